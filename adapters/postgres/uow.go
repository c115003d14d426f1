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

// UnitOfWork implements ports.UnitOfWork. A Do is one transaction that begins with its first
// statement: BEGIN, the scope's settings and that statement go to PostgreSQL in one round trip
// (a pipelined batch), then COMMIT; a Do that sends nothing costs nothing. A Read sends each
// statement with its scope and read-only mode in one round trip (tx.go).
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
	// held marks the transaction of an idempotent call (IdempotencyStore.Run): the units of work
	// begun directly inside it each run in a savepoint, so each commits or rolls back as it would
	// alone, and all of them commit with the call's answer.
	held bool
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
		if outer.held {
			return savepoint(ctx, outer, scope, fn)
		}
		return u.nested(ctx, outer, scope, fn)
	}
	return u.transaction(ctx, scope, false, fn)
}

// transaction runs fn in a new lazy transaction; held marks it as an idempotent call's.
func (u *UnitOfWork) transaction(ctx context.Context, scope ports.Scope, held bool, fn func(ctx context.Context) error) error {
	conn, err := u.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: acquire: %w", err)
	}
	// A connection left inside a transaction (a failed ROLLBACK, a panic) is closed by Release,
	// not reused.
	defer conn.Release()
	tx := &lazyTx{conn: conn.Conn(), scope: scope}
	err = fn(context.WithValue(ctx, txKey{}, &txState{tx: tx, scope: scope, held: held}))
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
		if outer.held {
			return savepoint(ctx, outer, scope, fn)
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

// thisTenant is the tenant a statement runs for, written for the statements that scan many rows:
// as a sub-select PostgreSQL evaluates it once (an InitPlan), where app_tenant_id() alone is
// evaluated for every row scanned (a setting read and a uuid cast, 250 ms a million rows). The
// policies of migration 00012 are written the same way.
const thisTenant = "(SELECT app_tenant_id())"

// tenantFrom returns the tenant the unit of work in ctx is bound to: what app_tenant_id() answers
// in its statements, known here without asking PostgreSQL.
func tenantFrom(ctx context.Context) string {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		return st.scope.TenantID
	}
	return ""
}

// lazyTx is a transaction that begins with its first statement.
type lazyTx struct {
	conn  *pgx.Conn
	scope ports.Scope
	begun bool
	// savepoints counts the savepoints made, to name each one.
	savepoints int
}

// first sends BEGIN, the scope's settings and the first statement in one batch, and returns the
// batch positioned at that statement's result.
func (t *lazyTx) first(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	return t.after(ctx, "", sql, args)
}

// after sends a statement preceded, in the same batch, by BEGIN and the scope's settings when
// the transaction has not begun, and by pre when it is not empty; it returns the batch positioned
// at the statement's result.
func (t *lazyTx) after(ctx context.Context, pre, sql string, args []any) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	if !t.begun {
		t.begun = true
		b.Queue("BEGIN")
		b.Queue(bindSQL, bindArgs(t.scope)...)
	}
	if pre != "" {
		b.Queue(pre)
	}
	n := b.Len()
	b.Queue(sql, args...)
	br := t.conn.SendBatch(ctx, b)
	for range n {
		if _, err := br.Exec(); err != nil {
			return nil, errors.Join(fmt.Errorf("postgres: begin: %w", err), br.Close())
		}
	}
	return br, nil
}
