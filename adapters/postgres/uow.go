package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stvos/stvos/ports"
)

// UnitOfWork implements ports.UnitOfWork with one transaction per outermost call. The
// transaction begins with its first statement: BEGIN, the scope's settings and that statement go
// to PostgreSQL in one round trip (a pipelined batch), so a read costs two round trips (that
// batch, then COMMIT), and a unit of work that sends nothing costs none.
type UnitOfWork struct {
	pool *pgxpool.Pool
}

var _ ports.UnitOfWork = (*UnitOfWork)(nil)

// NewUnitOfWork returns a unit of work over the pool.
func NewUnitOfWork(pool *pgxpool.Pool) *UnitOfWork { return &UnitOfWork{pool: pool} }

type txKey struct{}

type txState struct {
	tx    querier
	scope ports.Scope
	read  bool
}

// endTimeout bounds COMMIT or ROLLBACK after the caller's context ended.
const endTimeout = 5 * time.Second

// Do runs fn in a transaction bound to scope; see ports.UnitOfWork.
func (u *UnitOfWork) Do(ctx context.Context, scope ports.Scope, fn func(ctx context.Context) error) error {
	if err := checkScope(scope); err != nil {
		return err
	}
	if outer, ok := ctx.Value(txKey{}).(*txState); ok {
		if outer.read {
			return ports.ErrWriteInRead
		}
		return u.nested(ctx, outer, scope, fn)
	}
	conn, err := u.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: acquire: %w", err)
	}
	// A connection left inside a transaction (a failed ROLLBACK) is closed by Release, not reused.
	defer conn.Release()
	tx := &lazyTx{conn: conn.Conn(), scope: scope}
	err = fn(context.WithValue(ctx, txKey{}, &txState{tx: tx, scope: scope}))
	if !tx.begun {
		return err
	}
	end, cancel := context.WithTimeout(context.WithoutCancel(ctx), endTimeout)
	defer cancel()
	if err != nil {
		_, _ = tx.conn.Exec(end, "ROLLBACK")
		return err
	}
	tag, err := tx.conn.Exec(end, "COMMIT")
	if err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	if tag.String() == "ROLLBACK" { // the transaction had failed: PostgreSQL rolled it back
		return pgx.ErrTxCommitRollback
	}
	return nil
}

// Read runs fn as a read; see ports.UnitOfWork. Each statement goes to PostgreSQL in one round
// trip with the scope's settings and read-only mode, in an implicit transaction of its own.
func (u *UnitOfWork) Read(ctx context.Context, scope ports.Scope, fn func(ctx context.Context) error) error {
	if err := checkScope(scope); err != nil {
		return err
	}
	if outer, ok := ctx.Value(txKey{}).(*txState); ok {
		if outer.read {
			if err := narrow(outer.scope, scope); err != nil {
				return err
			}
			return fn(context.WithValue(ctx, txKey{}, &txState{tx: &readTx{conn: outer.tx.(*readTx).conn, scope: scope}, scope: scope, read: true}))
		}
		return u.nested(ctx, outer, scope, fn)
	}
	conn, err := u.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: acquire: %w", err)
	}
	defer conn.Release()
	return fn(context.WithValue(ctx, txKey{}, &txState{tx: &readTx{conn: conn.Conn(), scope: scope}, scope: scope, read: true}))
}

// narrow checks a change of scope inside a unit of work: only the platform may narrow to a tenant.
func narrow(outer, inner ports.Scope) error {
	if outer != inner && (!outer.Platform || inner.Platform) {
		return ports.Forbidden("SCOPE_ESCALATION", "a tenant unit of work cannot change its scope")
	}
	return nil
}

func (u *UnitOfWork) nested(ctx context.Context, outer *txState, scope ports.Scope, fn func(ctx context.Context) error) error {
	if outer.scope == scope {
		return fn(ctx)
	}
	if err := narrow(outer.scope, scope); err != nil {
		return err
	}
	if err := bind(ctx, outer.tx, scope); err != nil {
		return err
	}
	err := fn(context.WithValue(ctx, txKey{}, &txState{tx: outer.tx, scope: scope}))
	if err != nil {
		return err // the transaction is rolled back; its settings go with it
	}
	return bind(ctx, outer.tx, outer.scope)
}

func checkScope(s ports.Scope) error {
	if s.Platform == (s.TenantID != "") {
		return fmt.Errorf("postgres: a scope is either one tenant or the platform: %+v", s)
	}
	if !s.Platform && !ports.IsID(s.TenantID) {
		return ports.NotFound("tenant")
	}
	return nil
}

// bindSQL sets the transaction-local settings the row-level security policies read.
const bindSQL = "SELECT set_config('app.tenant_id', $1, true), set_config('app.scope', $2, true)"

func bindArgs(s ports.Scope) []any {
	scope := ""
	if s.Platform {
		scope = "platform"
	}
	return []any{s.TenantID, scope}
}

// bind changes the scope of a transaction under way.
func bind(ctx context.Context, tx querier, s ports.Scope) error {
	if _, err := tx.Exec(ctx, bindSQL, bindArgs(s)...); err != nil {
		return fmt.Errorf("postgres: bind scope: %w", err)
	}
	return nil
}

// querier is what stores may do inside a unit of work.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

var (
	_ querier = (*lazyTx)(nil)
	_ querier = (*readTx)(nil)
)

// txFrom returns the transaction of the unit of work in ctx. Stores call it first, so no query
// can run unbound to a scope.
func txFrom(ctx context.Context) (querier, error) {
	st, ok := ctx.Value(txKey{}).(*txState)
	if !ok {
		return nil, ports.ErrNoUnitOfWork
	}
	return st.tx, nil
}

// lazyTx is a transaction that begins with its first statement.
type lazyTx struct {
	conn  *pgx.Conn
	scope ports.Scope
	begun bool
}

// first sends BEGIN, the scope's settings and the first statement in one batch, and returns the
// batch positioned at that statement's result.
func (t *lazyTx) first(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	t.begun = true
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(bindSQL, bindArgs(t.scope)...)
	b.Queue(sql, args...)
	br := t.conn.SendBatch(ctx, b)
	for range 2 {
		if _, err := br.Exec(); err != nil {
			return nil, errors.Join(fmt.Errorf("postgres: begin: %w", err), br.Close())
		}
	}
	return br, nil
}

// Exec runs a statement.
func (t *lazyTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if t.begun {
		return t.conn.Exec(ctx, sql, args...)
	}
	br, err := t.first(ctx, sql, args)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

// Query runs a query; its rows must be closed, as pgx asks.
func (t *lazyTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if t.begun {
		return t.conn.Query(ctx, sql, args...)
	}
	br, err := t.first(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		return nil, errors.Join(err, br.Close())
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// QueryRow runs a query of at most one row, read by Scan.
func (t *lazyTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if t.begun {
		return t.conn.QueryRow(ctx, sql, args...)
	}
	rows, err := t.Query(ctx, sql, args...)
	if err != nil {
		return errRow{err}
	}
	return firstRow{rows}
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
	br, err := t.send(ctx, sql, args)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

// Query runs a query; its rows must be closed.
func (t *readTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	br, err := t.send(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		return nil, errors.Join(err, br.Close())
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// QueryRow runs a query of at most one row.
func (t *readTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := t.Query(ctx, sql, args...)
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
