package contract

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// StreamSlots checks a ports.StreamSlots: slots up to the limit, then refused with the count
// held; re-acquiring a held slot renews it; renew, release and release-all; a slot nobody renews
// expires; two instances over one store share the slots and racing for the last slot gives it to
// one; and a cross-tenant section (the same account name in two tenants holds separate slots).
// fresh returns two instances over one store.
func StreamSlots(t *testing.T, fresh func(t *testing.T) (ports.StreamSlots, ports.StreamSlots)) {
	ctx := context.Background()
	const ttl = time.Minute
	t.Run("limit, renew, release", func(t *testing.T) {
		one, two := fresh(t)
		tenant, acct := ports.NewID(), ports.NewID()
		ok, held, err := one.Acquire(ctx, tenant, acct, "s1", 2, ttl)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, 1, held)
		ok, held, err = two.Acquire(ctx, tenant, acct, "s2", 2, ttl)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, 2, held)
		ok, held, err = one.Acquire(ctx, tenant, acct, "s3", 2, ttl)
		require.NoError(t, err)
		require.False(t, ok, "a third stream over a limit of two")
		require.Equal(t, 2, held)
		ok, _, err = two.Acquire(ctx, tenant, acct, "s1", 2, ttl)
		require.NoError(t, err)
		require.True(t, ok, "a held slot is renewed, not refused")
		renewed, err := one.Renew(ctx, tenant, acct, "s2", ttl)
		require.NoError(t, err)
		require.True(t, renewed)
		require.NoError(t, two.Release(ctx, tenant, acct, "s2"))
		require.NoError(t, two.Release(ctx, tenant, acct, "s2"), "releasing again is no error")
		renewed, err = one.Renew(ctx, tenant, acct, "s2", ttl)
		require.NoError(t, err)
		require.False(t, renewed, "a released slot is not renewed")
		ok, _, err = one.Acquire(ctx, tenant, acct, "s3", 2, ttl)
		require.NoError(t, err)
		require.True(t, ok, "the freed slot is taken")
		require.NoError(t, one.ReleaseAll(ctx, tenant, acct))
		ok, held, err = two.Acquire(ctx, tenant, acct, "s4", 1, ttl)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, 1, held)
	})
	t.Run("a vanished holder's slot expires", func(t *testing.T) {
		one, two := fresh(t)
		tenant, acct := ports.NewID(), ports.NewID()
		ok, _, err := one.Acquire(ctx, tenant, acct, "gone", 1, 300*time.Millisecond)
		require.NoError(t, err)
		require.True(t, ok)
		require.Eventually(t, func() bool {
			ok, _, err := two.Acquire(ctx, tenant, acct, "next", 1, ttl)
			return err == nil && ok
		}, 10*time.Second, 50*time.Millisecond)
		renewed, err := one.Renew(ctx, tenant, acct, "gone", ttl)
		require.NoError(t, err)
		require.False(t, renewed, "an expired slot is not renewed")
	})
	t.Run("racing for the last slot", func(t *testing.T) {
		one, two := fresh(t)
		tenant, acct := ports.NewID(), ports.NewID()
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := one
				if i%2 == 1 {
					s = two
				}
				ok, _, err := s.Acquire(ctx, tenant, acct, ports.NewID(), 3, ttl)
				if err == nil && ok {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		require.Equal(t, int32(3), wins.Load())
	})
	t.Run("cross-tenant", func(t *testing.T) {
		one, _ := fresh(t)
		a, b, acct := ports.NewID(), ports.NewID(), "same-account-name"
		ok, _, err := one.Acquire(ctx, a, acct, "s", 1, ttl)
		require.NoError(t, err)
		require.True(t, ok)
		ok, held, err := one.Acquire(ctx, b, acct, "s", 1, ttl)
		require.NoError(t, err)
		require.True(t, ok, "B's account of the same name has its own slots")
		require.Equal(t, 1, held)
		require.NoError(t, one.ReleaseAll(ctx, b, acct))
		renewed, err := one.Renew(ctx, a, acct, "s", ttl)
		require.NoError(t, err)
		require.True(t, renewed, "B's release leaves A's slot")
	})
}
