package e2e

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/fx"

	"github.com/stvos/stvos/test/harness"
)

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestMetricsAndProfilesOnTheirOwnListener: /metrics and /debug/pprof/ answer on the metrics
// listener, and 404 on the public one; request durations are recorded by route template, with the
// pools, the job queue, refusals and the Go runtime beside them.
func TestMetricsAndProfilesOnTheirOwnListener(t *testing.T) {
	t.Parallel()
	metrics := freeAddr(t)
	srv := harness.StartServer(t, map[string]string{"STVOS_METRICS_ADDR": metrics})
	op := operator(t, srv)
	tenantID, key := onboard(t, op, "observed", nil)
	require.Equal(t, http.StatusOK, op.call("GET", "/platform/tenants/"+tenantID, nil).Status)
	r := op.call("PATCH", "/platform/tenants/"+tenantID, map[string]any{"rate_limit": map[string]int{"requests_per_minute": 2, "burst": 2}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	app := newClient(t, srv.URL).with("X-API-Key", key)
	for range 3 {
		app.call("GET", "/app/strings", nil)
	}

	for _, path := range []string{"/metrics", "/debug/pprof/", "/debug/pprof/cmdline"} {
		status, _ := get(t, srv.URL+path)
		require.Equal(t, http.StatusNotFound, status, "%s is not on the public listener", path)
	}
	status, body := get(t, "http://"+metrics+"/debug/pprof/")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "goroutine")
	status, body = get(t, "http://"+metrics+"/debug/pprof/profile?seconds=1")
	require.Equal(t, http.StatusOK, status)
	require.NotEmpty(t, body, "a CPU profile")

	status, body = get(t, "http://"+metrics+"/metrics")
	require.Equal(t, http.StatusOK, status)
	for _, want := range []string{
		`http_server_request_duration_seconds_bucket{http_request_method="GET",http_response_status_code="200",http_route="/app/strings"`,
		`http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="200",http_route="/platform/tenants/{tenant_id}"}`,
		`http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="429",http_route="/app/strings"} 1`,
		`stvos_rate_limit_refusals_total{limit="credential"} 1`,
		"stvos_db_pool_connections_total", "stvos_db_pool_acquires_total", "stvos_redis_pool_connections_total",
		"stvos_redis_pool_hits_total", "go_goroutines", "go_memstats_heap_alloc_bytes", "process_cpu_seconds_total",
	} {
		require.Contains(t, body, want)
	}
	require.NotContains(t, body, tenantID, "no raw path (with its ids) is a label")
	// River's periodic purge runs on start; its outcome is counted, and the queue's depth read.
	require.Eventually(t, func() bool {
		_, body := get(t, "http://"+metrics+"/metrics")
		return strings.Contains(body, `stvos_jobs_finished_total{kind="purge_expired",outcome="job_completed",queue="default"}`)
	}, 20e9, 100e6)
}

// TestOneTraceFromHTTPThroughPostgreSQLAndRedis exports spans to memory and follows one request:
// the server span, named after the route and carrying the request and tenant ids, is the root of
// spans for the PostgreSQL queries and the Redis commands it made.
func TestOneTraceFromHTTPThroughPostgreSQLAndRedis(t *testing.T) {
	t.Parallel()
	exp := tracetest.NewInMemoryExporter()
	srv := harness.StartServerWith(t, harness.NewBackends(t), fx.Provide(func() sdktrace.SpanExporter { return exp }))
	_, key := onboard(t, operator(t, srv), "traced", nil)
	app := newClient(t, srv.URL).with("X-API-Key", key)
	token := member(t, app, "traced@traced.test")["accessToken"].(string)
	exp.Reset()

	r := newClient(t, srv.URL).with("Authorization", "Bearer "+token).call("GET", "/users/me", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	requestID := r.Header.Get("X-Request-ID")

	spans := exp.GetSpans()
	var server *tracetest.SpanStub
	for i := range spans {
		if spans[i].SpanKind == trace.SpanKindServer && spans[i].Name == "GET /users/me" {
			server = &spans[i]
		}
	}
	require.NotNil(t, server, "a server span named after the route among %d spans", len(spans))
	attrs := map[string]string{}
	for _, a := range server.Attributes {
		attrs[string(a.Key)] = a.Value.String()
	}
	require.Equal(t, requestID, attrs["stvos.request_id"])
	require.NotEmpty(t, attrs["stvos.tenant_id"])
	require.Equal(t, "/users/me", attrs["http.route"])
	require.Equal(t, strconv.Itoa(http.StatusOK), attrs["http.response.status_code"])

	// Every other span of the trace descends from the server span.
	byID := map[trace.SpanID]tracetest.SpanStub{}
	for _, s := range spans {
		if s.SpanContext.TraceID() == server.SpanContext.TraceID() {
			byID[s.SpanContext.SpanID()] = s
		}
	}
	scopes := map[string]bool{}
	for _, s := range byID {
		if s.SpanContext.SpanID() == server.SpanContext.SpanID() {
			continue
		}
		p := s
		for p.Parent.SpanID() != server.SpanContext.SpanID() {
			next, ok := byID[p.Parent.SpanID()]
			require.True(t, ok, "span %q descends from the server span", s.Name)
			p = next
		}
		scopes[s.InstrumentationScope.Name] = true
	}
	var names []string
	for n := range scopes {
		names = append(names, n)
	}
	joined := strings.Join(names, " ")
	require.Contains(t, joined, "otelpgx", "PostgreSQL spans in the trace")
	require.Contains(t, joined, "redisotel", "Redis spans in the trace")
}
