// Package portal benchmarks the partner portal's heavy use cases against real PostgreSQL, each
// through its core service and PostgreSQL adapter as the server wires them (issue 6): generating
// 500 voucher codes, exporting vouchers and members as CSV, and the dashboard and 30-day analytics
// over millions of watch segments. Each reports latency percentiles or time and memory, beside a
// ceiling measured in the same run (the database's own speed on the same SQL), so the figures mean
// something on any machine.
//
// The package holds benchmarks only: `go test ./...` compiles it and provisions nothing. Run
// (sizes from the environment, see sizes below):
//
//	make bench-portal
//	STVOS_BENCH_SEGMENTS=1000000 go test -run '^$' -bench Analytics -benchtime 200x -timeout 60m ./test/bench/portal
package portal

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/test/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

// size reads a row count from the environment (underscores allowed), so a quick run can use
// smaller data than the targets, which are the defaults.
func size(b *testing.B, env string, def int) int {
	b.Helper()
	v := os.Getenv(env)
	if v == "" {
		return def
	}
	var digits []byte
	for i := 0; i < len(v); i++ {
		if v[i] != '_' {
			digits = append(digits, v[i])
		}
	}
	n, err := strconv.Atoi(string(digits))
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive number", env, v)
	}
	return n
}

// db is a fresh database of the benchmark: admin is a superuser connection that seeds past
// row-level security, pool is the server's own (role stvos_app, bound by it).
type db struct {
	url   string
	admin *pgx.Conn
	pool  *pgxpool.Pool
}

func newDB(b *testing.B) *db {
	b.Helper()
	ctx := context.Background()
	url := harness.Database(b)
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = admin.Close(ctx) })
	pool, err := postgres.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	return &db{url: url, admin: admin, pool: pool}
}

// exec runs seeding statements as the superuser, failing the benchmark on error.
func (d *db) exec(b *testing.B, sql string, args ...any) {
	b.Helper()
	if _, err := d.admin.Exec(context.Background(), sql, args...); err != nil {
		b.Fatalf("seed: %v\n%s", err, sql)
	}
}

// tenant inserts a tenant and its partners (ids chosen by the caller).
func (d *db) tenant(b *testing.B, tenantID string, partnerIDs ...string) {
	b.Helper()
	d.exec(b, `INSERT INTO tenants (id, slug, name, status, created_at, updated_at)
		VALUES ($1::uuid, 'bench-' || $1::text, 'Bench', 'active', now(), now())`, tenantID)
	for i, p := range partnerIDs {
		d.exec(b, `INSERT INTO partners (tenant_id, id, name, status, created_at) VALUES ($1, $2, $3, 'active', now())`,
			tenantID, p, fmt.Sprintf("Partner %d", i+1))
	}
}

// analyze refreshes the planner's statistics after a bulk load, as autovacuum would eventually.
func (d *db) analyze(b *testing.B) {
	b.Helper()
	d.exec(b, "VACUUM (ANALYZE)")
}

// fixedClock is the time the data was seeded around, so every iteration reads the same data.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// latencies collects the duration of each call of a benchmark and reports its percentiles.
type latencies []time.Duration

// report reports the percentiles as metrics named prefix+"p50-ms" and so on.
func (l latencies) report(b *testing.B, prefix string, percentiles ...float64) {
	if len(l) == 0 {
		return
	}
	s := slices.Clone(l)
	slices.Sort(s)
	for _, p := range percentiles {
		i := min(len(s)-1, int(float64(len(s))*p/100))
		b.ReportMetric(float64(s[i])/float64(time.Millisecond), prefix+"p"+strconv.FormatFloat(p, 'f', -1, 64)+"-ms")
	}
}

func (l latencies) median() time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	return s[len(s)/2]
}

// memProbe measures how much the heap grows while something runs: its peak in use over the
// baseline (sampled, as a stream's memory is what it holds at once, not what it allocates over
// time), and the growth of the memory the runtime took from the system.
type memProbe struct {
	base, baseSys, peak uint64
	stop                chan struct{}
	done                sync.WaitGroup
}

// probeInterval is fine enough to see a buffer of rows build up during a export of seconds.
const probeInterval = 2 * time.Millisecond

func startProbe() *memProbe {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p := &memProbe{base: ms.HeapInuse, baseSys: ms.Sys, peak: ms.HeapInuse, stop: make(chan struct{})}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		t := time.NewTicker(probeInterval)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				p.peak = max(p.peak, ms.HeapInuse)
			}
		}
	}()
	return p
}

// end stops sampling and returns the peak heap growth and the growth of memory from the system,
// in MB.
func (p *memProbe) end() (peakMB, sysMB float64) {
	close(p.stop)
	p.done.Wait()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p.peak = max(p.peak, ms.HeapInuse)
	const mb = 1 << 20
	return float64(p.peak-p.base) / mb, (float64(ms.Sys) - float64(p.baseSys)) / mb
}

// counter counts the bytes and lines written to it and drops them.
type counter struct{ n, lines int64 }

func (c *counter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	c.lines += int64(bytes.Count(p, []byte{'\n'}))
	return len(p), nil
}
