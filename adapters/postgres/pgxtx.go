package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stvos/stvos/ports"
)

// TxOf answers the transaction of the unit of work in ctx as a pgx.Tx, for libraries that write
// in the caller's transaction (River's InsertTx enqueues a job with the change that causes it).
// It begins the transaction (or, inside an idempotent call, the unit of work's savepoint) when no
// statement has yet. The unit of work still owns it: Commit,
// Rollback and Begin are refused, and every statement runs in the unit of work's scope.
//
// Errors: outside a unit of work, ports.ErrNoUnitOfWork; in a Read, ports.ErrWriteInRead.
func TxOf(ctx context.Context) (pgx.Tx, error) {
	st, ok := ctx.Value(txKey{}).(*txState)
	if !ok {
		return nil, ports.ErrNoUnitOfWork
	}
	if st.read {
		return nil, ports.ErrWriteInRead
	}
	var (
		conn  *pgx.Conn
		begun bool
	)
	switch t := st.tx.(type) {
	case *lazyTx:
		conn, begun = t.conn, t.begun
	case *savepointTx: // a unit of work inside an idempotent call: its savepoint comes first
		conn, begun = t.tx.conn, t.sent
	default:
		return nil, ports.ErrWriteInRead
	}
	if !begun {
		// BEGIN (or the savepoint) and the scope's settings go with this first statement, as
		// with any other.
		if _, err := st.tx.Exec(ctx, "SELECT 1"); err != nil {
			return nil, err
		}
	}
	return borrowedTx{conn: conn}, nil
}

// errOwned refuses to end or nest the unit of work's transaction from outside it.
var errOwned = errors.New("postgres: the unit of work owns this transaction")

// borrowedTx is a unit of work's begun transaction lent as a pgx.Tx.
type borrowedTx struct{ conn *pgx.Conn }

var _ pgx.Tx = borrowedTx{}

func (borrowedTx) Begin(context.Context) (pgx.Tx, error) { return nil, errOwned }
func (borrowedTx) Commit(context.Context) error          { return errOwned }
func (borrowedTx) Rollback(context.Context) error        { return errOwned }

func (b borrowedTx) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, rows pgx.CopyFromSource) (int64, error) {
	return b.conn.CopyFrom(ctx, table, columns, rows)
}

func (b borrowedTx) SendBatch(ctx context.Context, batch *pgx.Batch) pgx.BatchResults {
	return b.conn.SendBatch(ctx, batch)
}

func (b borrowedTx) LargeObjects() pgx.LargeObjects { return pgx.LargeObjects{} }

func (b borrowedTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	return b.conn.Prepare(ctx, name, sql)
}

func (b borrowedTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return b.conn.Exec(ctx, sql, args...)
}

func (b borrowedTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return b.conn.Query(ctx, sql, args...)
}

func (b borrowedTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return b.conn.QueryRow(ctx, sql, args...)
}

func (b borrowedTx) Conn() *pgx.Conn { return b.conn }
