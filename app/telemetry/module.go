package telemetry

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	goredis "github.com/redis/go-redis/v9"
	rv "github.com/riverqueue/river"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/fx"
)

// Config is what telemetry needs.
type Config struct {
	// MetricsAddr is where /metrics and /debug/pprof/ listen; empty: nowhere.
	MetricsAddr string
	// Version is the service version on every span.
	Version string
}

// Module provides the metrics and, when traces go somewhere, a tracer provider; it serves the
// metrics listener and counts finished jobs.
var Module = fx.Module("telemetry",
	fx.Provide(NewMetrics, newTracing),
	fx.Invoke(watch, serveMetrics, countJobs),
)

// Tracing is the tracer provider of the process and its propagators; Provider is nil when no
// trace goes anywhere, and instrumentation is then left out altogether.
type Tracing struct {
	Provider    trace.TracerProvider
	Propagators propagation.TextMapPropagator
}

type tracingParams struct {
	fx.In
	Lifecycle fx.Lifecycle
	Config    Config
	// Exporter, when given (tests), receives every span as it ends.
	Exporter sdktrace.SpanExporter `optional:"true"`
}

// newTracing builds the tracer provider: spans go to the given exporter, or over OTLP/HTTP when
// OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, with the standard
// OTEL_* variables honoured; otherwise there is none.
func newTracing(p tracingParams) (Tracing, error) {
	t := Tracing{Propagators: propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})}
	res := resource.NewSchemaless(semconv.ServiceName("stvos"), semconv.ServiceVersion(p.Config.Version))
	var opts []sdktrace.TracerProviderOption
	switch {
	case p.Exporter != nil:
		opts = append(opts, sdktrace.WithSyncer(p.Exporter))
	case os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "":
		exp, err := otlptracehttp.New(context.Background())
		if err != nil {
			return t, err
		}
		opts = append(opts, sdktrace.WithBatcher(exp))
	default:
		return t, nil
	}
	tp := sdktrace.NewTracerProvider(append(opts, sdktrace.WithResource(res))...)
	p.Lifecycle.Append(fx.StopHook(tp.Shutdown))
	t.Provider = tp
	return t, nil
}

func watch(m *Metrics, pool *pgxpool.Pool, c *goredis.Client) {
	m.WatchPool(pool)
	m.WatchRedis(c)
	m.WatchQueue(pool)
}

// serveMetrics serves /metrics and /debug/pprof/ on the metrics address.
func serveMetrics(lc fx.Lifecycle, cfg Config, m *Metrics, log *slog.Logger) {
	if cfg.MetricsAddr == "" {
		return
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry}))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error {
			ln, err := net.Listen("tcp", cfg.MetricsAddr)
			if err != nil {
				return err
			}
			go func() {
				if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
					log.Error("metrics listener stopped", "error", err.Error())
				}
			}()
			log.Info("metrics and pprof listening", "addr", ln.Addr().String())
			return nil
		},
		OnStop: srv.Shutdown,
	})
}

// countJobs counts finished jobs from River's events.
func countJobs(lc fx.Lifecycle, c *rv.Client[pgx.Tx], m *Metrics) {
	events, cancel := c.Subscribe(rv.EventKindJobCompleted, rv.EventKindJobFailed, rv.EventKindJobCancelled, rv.EventKindJobSnoozed)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range events {
			if e == nil || e.Job == nil {
				continue
			}
			m.JobFinished(e.Job.Queue, e.Job.Kind, string(e.Kind))
		}
	}()
	lc.Append(fx.StopHook(func() { cancel(); <-done }))
}
