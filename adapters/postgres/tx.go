package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stvos/stvos/ports"
)

// The two kinds of transaction a unit of work holds each send their statements in pipelined
// batches: a lazyTx (Do) sends BEGIN and the scope's settings with its first statement and plain
// statements after; a readTx (Read) sends the scope's settings and read-only mode with every
// statement, each in an implicit transaction of its own. Both answer from a batch positioned at
// the statement's result, read here.

// Exec runs a statement.
func (t *lazyTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if t.begun {
		return t.conn.Exec(ctx, sql, args...)
	}
	return execIn(t.first(ctx, sql, args))
}

// Query runs a query; its rows must be closed, as pgx asks.
func (t *lazyTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if t.begun {
		return t.conn.Query(ctx, sql, args...)
	}
	return queryIn(t.first(ctx, sql, args))
}

// QueryRow runs a query of at most one row, read by Scan.
func (t *lazyTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if t.begun {
		return t.conn.QueryRow(ctx, sql, args...)
	}
	return rowOf(t.Query(ctx, sql, args...))
}

// readSQL binds a statement of a read to its scope and makes its implicit transaction read-only.
const readSQL = "SELECT set_config('app.tenant_id', $1, true), set_config('app.scope', $2, true), " +
	"set_config('transaction_read_only', 'on', true)"

// readTx runs each statement in an implicit transaction of its own, pipelined after the
// settings of the read: one round trip a statement.
type readTx struct {
	conn  *pgx.Conn
	scope ports.Scope
}

func (t *readTx) send(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	b.Queue(readSQL, bindArgs(t.scope)...)
	b.Queue(sql, args...)
	br := t.conn.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		return nil, errors.Join(fmt.Errorf("postgres: bind read: %w", err), br.Close())
	}
	return br, nil
}

// Exec runs a statement (a write is refused by PostgreSQL: the transaction is read-only).
func (t *readTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return execIn(t.send(ctx, sql, args))
}

// Query runs a query; its rows must be closed.
func (t *readTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return queryIn(t.send(ctx, sql, args))
}

// QueryRow runs a query of at most one row.
func (t *readTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return rowOf(t.Query(ctx, sql, args...))
}

// execIn reads a statement's result from its batch and closes the batch.
func execIn(br pgx.BatchResults, err error) (pgconn.CommandTag, error) {
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

// queryIn returns a query's rows from its batch; closing them closes the batch.
func queryIn(br pgx.BatchResults, err error) (pgx.Rows, error) {
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		return nil, errors.Join(err, br.Close())
	}
	return &batchRows{Rows: rows, br: br}, nil
}

func rowOf(rows pgx.Rows, err error) pgx.Row {
	if err != nil {
		return errRow{err}
	}
	return firstRow{rows}
}

// batchRows closes the batch its rows came from when they are closed.
type batchRows struct {
	pgx.Rows
	br  pgx.BatchResults
	err error
}

// Next closes the batch once the rows are done, as pgx closes rows whose Next answers false: a
// caller that reads to the end without calling Close leaves the connection free for its next
// statement.
func (r *batchRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

func (r *batchRows) Close() {
	r.Rows.Close()
	if r.br != nil {
		r.err = r.br.Close()
		r.br = nil
	}
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.err
}

// firstRow reads the first row of rows as pgx's QueryRow does.
type firstRow struct{ rows pgx.Rows }

func (r firstRow) Scan(dest ...any) error {
	defer r.rows.Close()
	if !r.rows.Next() {
		r.rows.Close()
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
