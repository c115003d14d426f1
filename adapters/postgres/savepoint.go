package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stvos/stvos/ports"
)

// savepoint runs a unit of work begun directly inside an idempotent call's transaction (held):
// in a savepoint of its own, made with its first statement (in the same round trip), and rolled
// back to when fn fails. So the unit of work commits or rolls back as it would alone, and a
// failed statement inside it does not abort the call's transaction.
func savepoint(ctx context.Context, outer *txState, scope ports.Scope, fn func(ctx context.Context) error) error {
	if outer.scope != scope {
		return ports.Forbidden("SCOPE_ESCALATION", "a unit of work inside an idempotent call cannot change its scope")
	}
	lt, ok := outer.tx.(*lazyTx)
	if !ok {
		return errors.New("postgres: an idempotent call's transaction is not a lazy transaction")
	}
	lt.savepoints++
	sp := &savepointTx{tx: lt, name: "stvos_uow_" + strconv.Itoa(lt.savepoints)}
	err := fn(context.WithValue(ctx, txKey{}, &txState{tx: sp, scope: scope}))
	if err == nil || !sp.sent {
		return err
	}
	end, cancel := context.WithTimeout(context.WithoutCancel(ctx), endTimeout)
	defer cancel()
	if _, rerr := lt.conn.Exec(end, "ROLLBACK TO SAVEPOINT "+sp.name); rerr != nil {
		return errors.Join(err, fmt.Errorf("postgres: rollback to savepoint: %w", rerr))
	}
	return err
}

// savepointTx is a unit of work inside an idempotent call's transaction: its first statement
// makes its savepoint.
type savepointTx struct {
	tx   *lazyTx
	name string
	sent bool
}

var _ querier = (*savepointTx)(nil)

func (s *savepointTx) first(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	s.sent = true
	return s.tx.after(ctx, "SAVEPOINT "+s.name, sql, args)
}

// Exec runs a statement.
func (s *savepointTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if s.sent {
		return s.tx.Exec(ctx, sql, args...)
	}
	return execIn(s.first(ctx, sql, args))
}

// Query runs a query; its rows must be closed.
func (s *savepointTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if s.sent {
		return s.tx.Query(ctx, sql, args...)
	}
	return queryIn(s.first(ctx, sql, args))
}

// QueryRow runs a query of at most one row.
func (s *savepointTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if s.sent {
		return s.tx.QueryRow(ctx, sql, args...)
	}
	return rowOf(s.Query(ctx, sql, args...))
}
