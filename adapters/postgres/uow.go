package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stvos/stvos/ports"
)

// UnitOfWork implements ports.UnitOfWork with one pgx transaction per outermost call.
type UnitOfWork struct {
	pool *pgxpool.Pool
}

var _ ports.UnitOfWork = (*UnitOfWork)(nil)

// NewUnitOfWork returns a unit of work over the pool.
func NewUnitOfWork(pool *pgxpool.Pool) *UnitOfWork { return &UnitOfWork{pool: pool} }

type txKey struct{}

type txState struct {
	tx    pgx.Tx
	scope ports.Scope
}

// Do runs fn in a transaction bound to scope; see ports.UnitOfWork.
func (u *UnitOfWork) Do(ctx context.Context, scope ports.Scope, fn func(ctx context.Context) error) error {
	if err := checkScope(scope); err != nil {
		return err
	}
	if outer, ok := ctx.Value(txKey{}).(*txState); ok {
		return u.nested(ctx, outer, scope, fn)
	}
	return pgx.BeginFunc(ctx, u.pool, func(tx pgx.Tx) error {
		if err := bind(ctx, tx, scope); err != nil {
			return err
		}
		return fn(context.WithValue(ctx, txKey{}, &txState{tx: tx, scope: scope}))
	})
}

func (u *UnitOfWork) nested(ctx context.Context, outer *txState, scope ports.Scope, fn func(ctx context.Context) error) error {
	if outer.scope == scope {
		return fn(ctx)
	}
	if !outer.scope.Platform || scope.Platform {
		return ports.Forbidden("SCOPE_ESCALATION", "a tenant unit of work cannot change its scope")
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

// bind sets the transaction-local settings the row-level security policies read.
func bind(ctx context.Context, tx pgx.Tx, s ports.Scope) error {
	scope := ""
	if s.Platform {
		scope = "platform"
	}
	_, err := tx.Exec(ctx, "SELECT set_config('app.tenant_id', $1, true), set_config('app.scope', $2, true)", s.TenantID, scope)
	if err != nil {
		return fmt.Errorf("postgres: bind scope: %w", err)
	}
	return nil
}

// txFrom returns the transaction of the unit of work in ctx. Stores call it first, so no query
// can run unbound to a scope.
func txFrom(ctx context.Context) (pgx.Tx, error) {
	st, ok := ctx.Value(txKey{}).(*txState)
	if !ok {
		return nil, ports.ErrNoUnitOfWork
	}
	return st.tx, nil
}
