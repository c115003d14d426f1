package contract

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// Directory checks a ports.Directory inside its unit of work: entries resolve to their tenant
// from the platform scope, unknown keys are not found, a taken key conflicts, unregistering
// removes; and a cross-tenant section (a tenant cannot register for another, see another's
// entry, or remove it). newTenant creates a tenant and returns its id.
func Directory(t *testing.T, uow ports.UnitOfWork, dir ports.Directory, newTenant func(t *testing.T) string) {
	ctx := context.Background()
	a, b := newTenant(t), newTenant(t)
	in := func(tenantID string, fn func(ctx context.Context) error) error {
		return uow.Do(ctx, ports.TenantScope(tenantID), fn)
	}
	lookup := func(key string) (string, error) {
		var got string
		err := uow.Read(ctx, ports.PlatformScope(), func(ctx context.Context) (err error) {
			got, err = dir.Lookup(ctx, "thing", key)
			return err
		})
		return got, err
	}
	t.Run("register, look up, unregister", func(t *testing.T) {
		key := ports.NewID()
		require.NoError(t, in(a, func(ctx context.Context) error { return dir.Register(ctx, "thing", key, a) }))
		got, err := lookup(key)
		require.NoError(t, err)
		require.Equal(t, a, got)
		_, err = lookup(ports.NewID())
		require.ErrorIs(t, err, ports.ErrNotFound)
		err = in(a, func(ctx context.Context) error { return dir.Register(ctx, "thing", key, a) })
		require.ErrorIs(t, err, ports.ErrConflict)
		require.NoError(t, in(a, func(ctx context.Context) error { return dir.Unregister(ctx, "thing", key) }))
		_, err = lookup(key)
		require.ErrorIs(t, err, ports.ErrNotFound)
		require.NoError(t, in(a, func(ctx context.Context) error { return dir.Unregister(ctx, "thing", key) }), "a missing entry is no error")
	})
	t.Run("cross-tenant", func(t *testing.T) {
		key := ports.NewID()
		require.NoError(t, in(a, func(ctx context.Context) error { return dir.Register(ctx, "thing", key, a) }))
		err := in(b, func(ctx context.Context) error { return dir.Register(ctx, "thing", ports.NewID(), a) })
		require.ErrorIs(t, err, ports.ErrForbidden, "a tenant registers only for itself")
		err = in(b, func(ctx context.Context) error {
			_, err := dir.Lookup(ctx, "thing", key)
			return err
		})
		require.ErrorIs(t, err, ports.ErrNotFound, "another tenant does not see the entry")
		require.NoError(t, in(b, func(ctx context.Context) error { return dir.Unregister(ctx, "thing", key) }))
		got, err := lookup(key)
		require.NoError(t, err)
		require.Equal(t, a, got, "another tenant cannot remove the entry")
	})
}
