// Package telemetry makes the server observable: Prometheus metrics and Go's profiler on a
// listener of their own (STVOS_METRICS_ADDR, never the public one), and OpenTelemetry traces of
// every request through PostgreSQL and Redis, exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT
// is set.
package telemetry

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	goredis "github.com/redis/go-redis/v9"
)

// Metrics holds the platform's metrics. Names follow the OpenTelemetry semantic conventions
// where one exists (http.server.request.duration becomes http_server_request_duration_seconds).
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.HistogramVec
	refusals *prometheus.CounterVec
	jobs     *prometheus.CounterVec
}

// NewMetrics registers the request, refusal and job metrics and the Go runtime and process
// collectors.
func NewMetrics() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{Registry: r,
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "http_server_request_duration_seconds", Help: "Duration of HTTP server requests.",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}, []string{"http_request_method", "http_route", "http_response_status_code"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stvos_rate_limit_refusals_total",
			Help: "Requests refused by a limit: address, registration, credential (request budgets) or failures (sign-in guesses).",
		}, []string{"limit"}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stvos_jobs_finished_total", Help: "Background jobs that finished, by queue, kind and outcome.",
		}, []string{"queue", "kind", "outcome"}),
	}
	r.MustRegister(m.requests, m.refusals, m.jobs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Request records one served request. Route is the route's template (never the raw path, so
// ids do not make series); an unmatched path is "unmatched".
func (m *Metrics) Request(method, route string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Observe(d.Seconds())
}

// Refused counts a refusal by the named limit.
func (m *Metrics) Refused(limit string) { m.refusals.WithLabelValues(limit).Inc() }

// JobFinished counts a finished background job.
func (m *Metrics) JobFinished(queue, kind, outcome string) {
	m.jobs.WithLabelValues(queue, kind, outcome).Inc()
}

// WatchPool exports the PostgreSQL pool's statistics.
func (m *Metrics) WatchPool(pool *pgxpool.Pool) {
	gauge := func(name, help string, f func(*pgxpool.Stat) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return f(pool.Stat()) })
	}
	counter := func(name, help string, f func(*pgxpool.Stat) float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return f(pool.Stat()) })
	}
	m.Registry.MustRegister(
		gauge("stvos_db_pool_connections_acquired", "Connections in use.", func(s *pgxpool.Stat) float64 { return float64(s.AcquiredConns()) }),
		gauge("stvos_db_pool_connections_idle", "Idle connections.", func(s *pgxpool.Stat) float64 { return float64(s.IdleConns()) }),
		gauge("stvos_db_pool_connections_total", "Open connections.", func(s *pgxpool.Stat) float64 { return float64(s.TotalConns()) }),
		gauge("stvos_db_pool_connections_max", "Most connections the pool opens.", func(s *pgxpool.Stat) float64 { return float64(s.MaxConns()) }),
		counter("stvos_db_pool_acquires_total", "Connections acquired.", func(s *pgxpool.Stat) float64 { return float64(s.AcquireCount()) }),
		counter("stvos_db_pool_acquire_waits_total", "Acquisitions that had to wait for a connection.",
			func(s *pgxpool.Stat) float64 { return float64(s.EmptyAcquireCount()) }),
		counter("stvos_db_pool_acquire_wait_seconds_total", "Time spent acquiring connections.",
			func(s *pgxpool.Stat) float64 { return s.AcquireDuration().Seconds() }),
	)
}

// WatchRedis exports the Redis client's pool statistics.
func (m *Metrics) WatchRedis(c *goredis.Client) {
	gauge := func(name, help string, f func(*goredis.PoolStats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return f(c.PoolStats()) })
	}
	counter := func(name, help string, f func(*goredis.PoolStats) float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return f(c.PoolStats()) })
	}
	m.Registry.MustRegister(
		gauge("stvos_redis_pool_connections_total", "Open connections.", func(s *goredis.PoolStats) float64 { return float64(s.TotalConns) }),
		gauge("stvos_redis_pool_connections_idle", "Idle connections.", func(s *goredis.PoolStats) float64 { return float64(s.IdleConns) }),
		counter("stvos_redis_pool_hits_total", "Connections found free in the pool.", func(s *goredis.PoolStats) float64 { return float64(s.Hits) }),
		counter("stvos_redis_pool_misses_total", "Connections that had to be opened.", func(s *goredis.PoolStats) float64 { return float64(s.Misses) }),
		counter("stvos_redis_pool_timeouts_total", "Waits for a connection that timed out.", func(s *goredis.PoolStats) float64 { return float64(s.Timeouts) }),
	)
}

// queueDepth reports River's jobs waiting or running, by queue and state, read at each scrape.
type queueDepth struct {
	pool *pgxpool.Pool
	desc *prometheus.Desc
}

// WatchQueue exports the depth of the job queues.
func (m *Metrics) WatchQueue(pool *pgxpool.Pool) {
	m.Registry.MustRegister(&queueDepth{pool: pool, desc: prometheus.NewDesc("stvos_jobs_queued",
		"Background jobs not finished, by queue and state (available, running, retryable, scheduled).", []string{"queue", "state"}, nil)})
}

func (q *queueDepth) Describe(ch chan<- *prometheus.Desc) { ch <- q.desc }

func (q *queueDepth) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rows, err := q.pool.Query(ctx, `SELECT queue, state::text, count(*) FROM river_job
		WHERE state IN ('available', 'running', 'retryable', 'scheduled') GROUP BY queue, state`)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(q.desc, err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var queue, state string
		var n int64
		if err := rows.Scan(&queue, &state, &n); err != nil {
			ch <- prometheus.NewInvalidMetric(q.desc, err)
			return
		}
		ch <- prometheus.MustNewConstMetric(q.desc, prometheus.GaugeValue, float64(n), queue, state)
	}
}
