package contract

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// UnitOfWork checks a ports.UnitOfWork, observed through the directory (a store whose rows
// belong to tenants): a Do commits or rolls back whole; a row written in tenant A's scope is
// invisible and unchangeable from tenant B's; the platform scope may narrow to a tenant and back,
// a tenant never to another; a Read refuses writes and a Do inside it; a Read inside a Do sees
// its uncommitted writes; stores refuse to run outside a unit of work. newTenant creates a tenant
// and returns its id.
func UnitOfWork(t *testing.T, uow ports.UnitOfWork, dir ports.Directory, newTenant func(t *testing.T) string) {
	ctx := context.Background()
	a, b := newTenant(t), newTenant(t)
	register := func(scope ports.Scope, tenantID, key string) error {
		return uow.Do(ctx, scope, func(ctx context.Context) error { return dir.Register(ctx, "uow", key, tenantID) })
	}
	lookup := func(key string) (string, error) {
		var got string
		err := uow.Read(ctx, ports.PlatformScope(), func(ctx context.Context) (err error) {
			got, err = dir.Lookup(ctx, "uow", key)
			return err
		})
		return got, err
	}

	t.Run("commit and roll back", func(t *testing.T) {
		kept, undone := ports.NewID(), ports.NewID()
		require.NoError(t, register(ports.TenantScope(a), a, kept))
		boom := errors.New("boom")
		err := uow.Do(ctx, ports.TenantScope(a), func(ctx context.Context) error {
			require.NoError(t, dir.Register(ctx, "uow", undone, a))
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err := lookup(kept)
		require.NoError(t, err)
		require.Equal(t, a, got)
		_, err = lookup(undone)
		require.ErrorIs(t, err, ports.ErrNotFound, "rolled back")
	})
	t.Run("cross-tenant", func(t *testing.T) {
		key := ports.NewID()
		require.NoError(t, register(ports.TenantScope(a), a, key))
		err := uow.Read(ctx, ports.TenantScope(b), func(ctx context.Context) error {
			_, err := dir.Lookup(ctx, "uow", key)
			return err
		})
		require.ErrorIs(t, err, ports.ErrNotFound, "B does not see A's row")
		require.NoError(t, uow.Do(ctx, ports.TenantScope(b), func(ctx context.Context) error {
			return dir.Unregister(ctx, "uow", key) // silently nothing: the row is not B's
		}))
		got, err := lookup(key)
		require.NoError(t, err)
		require.Equal(t, a, got, "B could not remove A's row")
		require.Error(t, register(ports.TenantScope(b), a, ports.NewID()), "B cannot write a row of A")
	})
	t.Run("scopes narrow from the platform only", func(t *testing.T) {
		key := ports.NewID()
		require.NoError(t, uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
			return uow.Do(ctx, ports.TenantScope(a), func(ctx context.Context) error { return dir.Register(ctx, "uow", key, a) })
		}))
		got, err := lookup(key)
		require.NoError(t, err)
		require.Equal(t, a, got)
		err = uow.Do(ctx, ports.TenantScope(a), func(ctx context.Context) error {
			return uow.Do(ctx, ports.TenantScope(b), func(context.Context) error { return nil })
		})
		require.ErrorIs(t, err, ports.ErrForbidden)
		err = uow.Do(ctx, ports.TenantScope(a), func(ctx context.Context) error {
			return uow.Do(ctx, ports.PlatformScope(), func(context.Context) error { return nil })
		})
		require.ErrorIs(t, err, ports.ErrForbidden)
	})
	t.Run("reads", func(t *testing.T) {
		err := uow.Read(ctx, ports.TenantScope(a), func(ctx context.Context) error {
			return dir.Register(ctx, "uow", ports.NewID(), a)
		})
		require.Error(t, err, "a read cannot write")
		err = uow.Read(ctx, ports.TenantScope(a), func(ctx context.Context) error {
			return uow.Do(ctx, ports.TenantScope(a), func(context.Context) error { return nil })
		})
		require.ErrorIs(t, err, ports.ErrWriteInRead)
		key := ports.NewID()
		boom := errors.New("boom")
		err = uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
			require.NoError(t, uow.Do(ctx, ports.TenantScope(a), func(ctx context.Context) error { return dir.Register(ctx, "uow", key, a) }))
			require.NoError(t, uow.Read(ctx, ports.PlatformScope(), func(ctx context.Context) error {
				got, err := dir.Lookup(ctx, "uow", key)
				require.Equal(t, a, got)
				return err
			}), "a read inside a Do sees its writes")
			return boom
		})
		require.ErrorIs(t, err, boom)
	})
	t.Run("no store outside a unit of work", func(t *testing.T) {
		_, err := dir.Lookup(ctx, "uow", ports.NewID())
		require.ErrorIs(t, err, ports.ErrNoUnitOfWork)
	})
}
