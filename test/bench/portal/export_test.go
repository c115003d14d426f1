package portal

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// benchExport measures an export of rows data rows (plus a header) to a writer that counts and
// drops the bytes: wall time per export (ns/op), the peak growth of the heap while it streams and
// the memory taken from the system, and the same for PostgreSQL's COPY of the rows to the client
// (ceiling), the fastest the rows can leave the database.
func benchExport(b *testing.B, d *db, rows int, export, ceiling func(w *counter) error) {
	b.Helper()
	var peak, sys float64
	var out int64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := &counter{}
		probe := startProbe()
		if err := export(w); err != nil {
			b.Fatal(err)
		}
		p, s := probe.end()
		peak, sys, out = max(peak, p), max(sys, s), w.n
		if w.lines != int64(rows)+1 {
			b.Fatalf("exported %d lines, want %d rows and a header", w.lines, rows)
		}
	}
	b.StopTimer()
	ours := b.Elapsed() / time.Duration(b.N)
	var copyTime time.Duration
	var copyPeak float64
	for range 2 { // the better of two: the ceiling is what the machine can do
		w := &counter{}
		probe := startProbe()
		t0 := time.Now()
		if err := ceiling(w); err != nil {
			b.Fatal(err)
		}
		if t := time.Since(t0); copyTime == 0 || t < copyTime {
			copyTime = t
		}
		p, _ := probe.end()
		copyPeak = max(copyPeak, p)
		if w.lines != int64(rows) {
			b.Fatalf("COPY wrote %d lines, want %d", w.lines, rows)
		}
	}
	b.ReportMetric(peak, "peak-heap-MB")
	b.ReportMetric(sys, "sys-growth-MB")
	b.ReportMetric(float64(out)/(1<<20), "csv-MB")
	b.ReportMetric(float64(copyTime)/float64(time.Millisecond), "ceiling-ms")
	b.ReportMetric(copyPeak, "ceiling-peak-heap-MB")
	b.ReportMetric(float64(ours)/float64(copyTime), "x-ceiling")
}

// copyOut copies the rows of the query (which must name the tenant through app_tenant_id(), as
// the adapter's queries do) as CSV, as the server's role bound to the tenant.
func copyOut(pool *pgxpool.Pool, tenantID string, w *counter, query string) error {
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, tenantID); err != nil {
		return err
	}
	if _, err := tx.Conn().PgConn().CopyTo(ctx, w, "COPY ("+query+") TO STDOUT WITH (FORMAT csv)"); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
