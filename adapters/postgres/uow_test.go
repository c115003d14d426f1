package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/ports"
)

// TestReadsAndLazyTransactions checks the two ways a unit of work reaches PostgreSQL: a Read sends
// each statement with its scope in one round trip, read-only; a Do begins with its first
// statement and commits or rolls back as a whole.
func TestReadsAndLazyTransactions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, other := b.newTenant(t), b.newTenant(t)
	st := postgres.TenantStore{}
	ctx := context.Background()
	read := func(scope ports.Scope, tenantID string) map[string]string {
		t.Helper()
		var out map[string]string
		require.NoError(t, b.uow.Read(ctx, scope, func(ctx context.Context) (err error) {
			out, err = st.Strings(ctx, tenantID)
			return err
		}))
		return out
	}

	require.Len(t, read(ports.TenantScope(a), a), 1, "a read sees its tenant's rows")
	require.Empty(t, read(ports.TenantScope(a), other), "and no other tenant's, even when it asks")

	err := b.uow.Read(ctx, ports.TenantScope(a), func(ctx context.Context) error {
		return st.MergeStrings(ctx, a, map[string]string{"st_x": "y"})
	})
	require.ErrorContains(t, err, "read-only transaction", "PostgreSQL refuses a write in a read")
	require.NotContains(t, read(ports.TenantScope(a), a), "st_x")

	err = b.uow.Read(ctx, ports.TenantScope(a), func(ctx context.Context) error {
		return b.uow.Do(ctx, ports.TenantScope(a), func(context.Context) error { return nil })
	})
	require.ErrorIs(t, err, ports.ErrWriteInRead)
	err = b.uow.Read(ctx, ports.TenantScope(a), func(ctx context.Context) error {
		return b.uow.Read(ctx, ports.TenantScope(other), func(context.Context) error { return nil })
	})
	require.ErrorIs(t, err, ports.ErrForbidden, "a tenant's read cannot turn into another's")

	// A read inside a Do joins its transaction: it sees the uncommitted write, which the Do's
	// error then rolls back.
	undo := errors.New("undo")
	err = b.uow.Do(ctx, ports.TenantScope(a), func(ctx context.Context) error {
		require.NoError(t, st.MergeStrings(ctx, a, map[string]string{"st_new": "v"}))
		var in map[string]string
		require.NoError(t, b.uow.Read(ctx, ports.TenantScope(a), func(ctx context.Context) (err error) {
			in, err = st.Strings(ctx, a)
			return err
		}))
		require.Equal(t, "v", in["st_new"])
		return undo
	})
	require.ErrorIs(t, err, undo)
	require.NotContains(t, read(ports.TenantScope(a), a), "st_new", "rolled back")

	// A first statement that fails (row-level security refuses another tenant's row) fails the
	// unit of work and leaves no connection stuck in a failed transaction.
	err = b.uow.Do(ctx, ports.TenantScope(a), func(ctx context.Context) error {
		return st.MergeStrings(ctx, other, map[string]string{"st_evil": "x"})
	})
	require.Error(t, err)
	for range 20 {
		require.NotContains(t, read(ports.TenantScope(other), other), "st_evil")
	}

	// A Do commits; one that sends nothing succeeds without a round trip.
	require.NoError(t, b.uow.Do(ctx, ports.TenantScope(a), func(ctx context.Context) error {
		return st.MergeStrings(ctx, a, map[string]string{"st_kept": "yes"})
	}))
	require.Equal(t, "yes", read(ports.TenantScope(a), a)["st_kept"])
	require.NoError(t, b.uow.Do(ctx, ports.TenantScope(a), func(context.Context) error { return nil }))
}
