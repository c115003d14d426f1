package app

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.uber.org/fx"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/app/telemetry"
)

// Server is the one HTTP listener of every surface.
type Server struct {
	http     *http.Server
	listener net.Listener
	log      *slog.Logger
}

// ServerParams are what the server needs.
type ServerParams struct {
	fx.In
	Lifecycle fx.Lifecycle
	Config    Config
	Mux       *http.ServeMux
	Surfaces  []*surface.Surface `group:"surfaces"`
	Pool      *pgxpool.Pool
	Redis     *goredis.Client
	Log       *slog.Logger
	Metrics   *telemetry.Metrics
	Tracing   telemetry.Tracing
}

// NewServer builds the server: every surface's routes, /healthz, /readyz, and the edge
// middleware (request id, recovery, access log) around all of them.
func NewServer(p ServerParams) *Server {
	p.Mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})
	p.Mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		checks := map[string]string{"postgres": "ok", "redis": "ok"}
		status := http.StatusOK
		if err := p.Pool.Ping(ctx); err != nil {
			checks["postgres"], status = "unavailable", http.StatusServiceUnavailable
		}
		if err := p.Redis.Ping(ctx).Err(); err != nil {
			checks["redis"], status = "unavailable", http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"postgres":"` + checks["postgres"] + `","redis":"` + checks["redis"] + `"}`))
	})
	surface.ServeAssets(p.Mux)
	p.Mux.HandleFunc("/", surface.NotFound)
	handler := surface.Edge(p.Mux, p.Log, p.Config.TrustProxy, p.Metrics)
	if p.Tracing.Provider != nil {
		// The server span of each request; the edge names it after the route once routed.
		handler = otelhttp.NewHandler(handler, "http.request", otelhttp.WithTracerProvider(p.Tracing.Provider),
			otelhttp.WithPropagators(p.Tracing.Propagators))
	}
	s := &Server{log: p.Log, http: &http.Server{
		Handler: handler, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
	}}
	p.Lifecycle.Append(fx.Hook{
		OnStart: func(context.Context) error {
			ln, err := net.Listen("tcp", p.Config.Addr)
			if err != nil {
				return err
			}
			s.listener = ln
			go func() {
				if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
					s.log.Error("server stopped", "error", err.Error())
				}
			}()
			s.log.Info("listening", "addr", ln.Addr().String())
			return nil
		},
		OnStop: func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, p.Config.ShutdownTimeout)
			defer cancel()
			return s.http.Shutdown(ctx) // waits for in-flight requests
		},
	})
	return s
}

// Addr is the address the server listens on (useful with port 0).
func (s *Server) Addr() string { return s.listener.Addr().String() }
