package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/ports"
)

// TestTxOf: what a library writes through the lent transaction commits or rolls back with the
// unit of work, in its tenant's scope; the lent transaction cannot be ended from outside, and
// none is lent outside a unit of work or in a read.
func TestTxOf(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	tenantID := b.newTenant(t)
	insert := func(id string, fail error) error {
		return b.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
			tx, err := postgres.TxOf(ctx)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO email_outbox (tenant_id, id, sender, recipients, subject, created_at)
				VALUES (app_tenant_id(), $1, 'a@b.test', '{c@d.test}', 's', now())`, id); err != nil {
				return err
			}
			require.Error(t, tx.Commit(ctx), "the unit of work owns the transaction")
			require.Error(t, tx.Rollback(ctx))
			return fail
		})
	}
	count := func(id string) (n int) {
		require.NoError(t, b.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
			_, err := postgres.EmailOutbox{}.Get(ctx, id)
			if errors.Is(err, ports.ErrNotFound) {
				return nil
			}
			n = 1
			return err
		}))
		return n
	}
	kept, dropped := ports.NewID(), ports.NewID()
	require.NoError(t, insert(kept, nil))
	require.ErrorContains(t, insert(dropped, errors.New("boom")), "boom")
	require.Equal(t, 1, count(kept))
	require.Equal(t, 0, count(dropped))

	_, err := postgres.TxOf(ctx)
	require.ErrorIs(t, err, ports.ErrNoUnitOfWork)
	require.NoError(t, b.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		_, err := postgres.TxOf(ctx)
		require.ErrorIs(t, err, ports.ErrWriteInRead)
		return nil
	}))
}
