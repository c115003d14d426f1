package portal

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stvos/stvos/adapters/postgres"
)

// The ceiling of a use case is the database's own time for the statements the use case sent: they
// are recorded from one call through a traced pool, then replayed as one pipelined batch on a bare
// connection of the same role, with no Go layer in between. Recording rather than copying the SQL
// keeps the ceiling honest when the adapter's queries change.

type statement struct {
	sql  string
	args []any
}

// recorder is a pgx tracer that keeps the statements sent while it is on.
type recorder struct {
	mu    sync.Mutex
	on    bool
	stmts []statement
}

func (r *recorder) add(sql string, args []any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.on {
		r.stmts = append(r.stmts, statement{sql: sql, args: args})
	}
}

func (r *recorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.add(d.SQL, d.Args)
	return ctx
}

func (r *recorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (r *recorder) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (r *recorder) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	r.add(d.SQL, d.Args)
}

func (r *recorder) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// record runs call once on a traced pool of the database and returns the statements it sent.
func record(b *testing.B, url string, call func(pool *pgxpool.Pool) error) []statement {
	b.Helper()
	rec := &recorder{}
	pool, err := postgres.ConnectTraced(context.Background(), url, rec)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	rec.on = true
	if err := call(pool); err != nil {
		b.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.on = false
	if len(rec.stmts) == 0 {
		b.Fatal("ceiling: the call sent no statement")
	}
	return rec.stmts
}

// replay sends the statements in one batch on a connection of the pool and reads every result,
// returning the time taken. With rollback, a closing COMMIT becomes ROLLBACK so a write can be
// replayed again and again.
func replay(b *testing.B, pool *pgxpool.Pool, stmts []statement, rollback bool) time.Duration {
	b.Helper()
	ctx := context.Background()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	batch := &pgx.Batch{}
	for _, s := range stmts {
		sql := s.sql
		if rollback && sql == "COMMIT" {
			sql = "ROLLBACK"
		}
		batch.Queue(sql, s.args...)
	}
	start := time.Now()
	br := conn.Conn().SendBatch(ctx, batch)
	for range stmts {
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			b.Fatalf("ceiling: replay: %v", err)
		}
	}
	if err := br.Close(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// inline writes a recorded statement's arguments into its text as literals, for COPY, which
// takes no parameters.
func inline(b *testing.B, s statement) string {
	b.Helper()
	sql := s.sql
	for i := len(s.args); i >= 1; i-- { // $10 before $1
		var lit string
		switch v := s.args[i-1].(type) {
		case string:
			lit = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		case int:
			lit = strconv.Itoa(v)
		case int64:
			lit = strconv.FormatInt(v, 10)
		case time.Time:
			lit = "'" + v.Format(time.RFC3339Nano) + "'::timestamptz"
		default:
			b.Fatalf("ceiling: cannot inline %T", v)
		}
		sql = strings.ReplaceAll(sql, "$"+strconv.Itoa(i), lit)
	}
	return sql
}

// copyCeiling records the export's statements and returns a COPY of its last (the rows' query,
// after the read's settings) as the tenant.
func copyCeiling(b *testing.B, d *db, tenantID string, export func(pool *pgxpool.Pool) error) func(w *counter) error {
	stmts := record(b, d.url, export)
	explain(b, d.pool, tenantID, stmts)
	q := inline(b, stmts[len(stmts)-1])
	return func(w *counter) error { return copyOut(d.pool, tenantID, w, q) }
}

// explain prints the plans of the recorded queries, run, when STVOS_BENCH_EXPLAIN is set: the plans
// to read before optimising (a unit of work's own statements, BEGIN and settings, are skipped).
func explain(b *testing.B, pool *pgxpool.Pool, tenantID string, stmts []statement) {
	b.Helper()
	if os.Getenv("STVOS_BENCH_EXPLAIN") == "" {
		return
	}
	ctx := context.Background()
	for _, s := range stmts {
		q := strings.TrimSpace(s.sql)
		if !(strings.HasPrefix(q, "SELECT") || strings.HasPrefix(q, "WITH")) || strings.HasPrefix(q, "SELECT set_config") {
			continue
		}
		tx, err := pool.Begin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		var plan []string
		_, err = tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, tenantID)
		if err == nil {
			var rows pgx.Rows
			if rows, err = tx.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+inline(b, s)); err == nil {
				plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
			}
		}
		_ = tx.Rollback(ctx)
		if err != nil {
			b.Fatal(err)
		}
		// To stderr: a benchmark's log is cut to a few lines.
		fmt.Fprintf(os.Stderr, "--- %s: EXPLAIN %s\n%s\n", b.Name(), s.sql, strings.Join(plan, "\n"))
	}
}
