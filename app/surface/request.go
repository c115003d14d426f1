package surface

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/stvos/stvos/core/session"

	"github.com/stvos/stvos/ports"
)

// Info is what the request carries through every layer for logs: its id, the caller's address,
// and, once authenticated, its tenant and subject.
type Info struct {
	RequestID  string
	ClientAddr string
	UserAgent  string
	TenantID   string
	Subject    string
}

type infoKey struct{}

func infoFrom(ctx context.Context) *Info {
	if i, ok := ctx.Value(infoKey{}).(*Info); ok {
		return i
	}
	return &Info{}
}

// ClientOf describes where the request comes from, for sessions.
func ClientOf(ctx context.Context) session.Client {
	i := infoFrom(ctx)
	return session.Client{Device: i.UserAgent, Address: i.ClientAddr}
}

// RequestID returns the id of the request in ctx.
func RequestID(ctx context.Context) string { return infoFrom(ctx).RequestID }

// maxRequestIDLength bounds a caller's X-Request-ID; longer or odd ones are replaced.
const maxRequestIDLength = 128

// Edge wraps the whole mux: it gives every request an id (the caller's X-Request-ID when it is
// sane, else a new one) echoed in X-Request-ID, recovers panics into a 500 the client can quote,
// writes one JSON access-log line per request with request and tenant id, records the request
// for metrics by its route's template, and names the request's trace span after that route
// with the request and tenant ids as attributes.
func Edge(next http.Handler, log *slog.Logger, trustProxy bool, obs Observer) http.Handler {
	if obs == nil {
		obs = noObserver{}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &Info{RequestID: sanitizeID(r.Header.Get("X-Request-ID"))}
		if info.RequestID == "" {
			info.RequestID = ports.NewID()
		}
		info.ClientAddr = remoteHost(r, trustProxy)
		info.UserAgent = r.UserAgent()
		w.Header().Set("X-Request-ID", info.RequestID)
		rw := &recorder{ResponseWriter: w, status: http.StatusOK}
		ctx := context.WithValue(r.Context(), infoKey{}, info)
		routed := r.WithContext(ctx)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(ctx, "panic", "panic", fmt.Sprint(v), "stack", string(debug.Stack()), "request_id", info.RequestID)
				if !rw.wrote {
					writeJSON(rw, http.StatusInternalServerError, FlatError{Code: "INTERNAL", RequestID: info.RequestID,
						Message: "Something went wrong on our side; quote the request id when you report it."})
				}
			}
			route := routeOf(routed.Pattern)
			elapsed := time.Since(start)
			obs.Request(r.Method, route, rw.status, elapsed)
			if span := trace.SpanFromContext(ctx); span.IsRecording() {
				if route != "" {
					span.SetName(r.Method + " " + route)
					span.SetAttributes(semconv.HTTPRoute(route))
				}
				span.SetAttributes(attribute.String("stvos.request_id", info.RequestID), attribute.String("stvos.tenant_id", info.TenantID))
			}
			log.LogAttrs(ctx, slog.LevelInfo, "request", slog.String("request_id", info.RequestID),
				slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", rw.status),
				slog.Int64("bytes", rw.bytes), slog.Duration("duration", elapsed),
				slog.String("tenant_id", info.TenantID), slog.String("subject", info.Subject),
				slog.String("client", info.ClientAddr))
		}()
		next.ServeHTTP(rw, routed)
	})
}

// routeOf is the path template of a ServeMux pattern ("GET /users/{id}" → "/users/{id}"); empty
// for the catch-all that answers unknown paths.
func routeOf(pattern string) string {
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		pattern = pattern[i+1:]
	}
	if pattern == "/" {
		return ""
	}
	return pattern
}

// recoverPanics turns a panic inside an operation into the surface's 500 body.
func (s *Surface) recoverPanics(ctx huma.Context, next func(huma.Context)) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			logger(s).ErrorContext(ctx.Context(), "panic", "panic", fmt.Sprint(v), "stack", string(debug.Stack()),
				"request_id", infoFrom(ctx.Context()).RequestID)
			_ = huma.WriteErr(s.API, ctx, http.StatusInternalServerError, "")
		}
	}()
	next(ctx)
}

func sanitizeID(id string) string {
	if id == "" || len(id) > maxRequestIDLength {
		return ""
	}
	for _, c := range id {
		if c < 0x21 || c > 0x7e {
			return ""
		}
	}
	return id
}

func remoteHost(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer (flush, deadlines).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// NotFound answers paths no surface serves, in the flat error body.
func NotFound(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusNotFound, FlatError{Code: "NOT_FOUND", Message: "No such route: " + r.Method + " " + r.URL.Path,
		RequestID: RequestID(r.Context())})
}
