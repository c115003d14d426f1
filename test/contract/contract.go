// Package contract holds the suites every adapter of a port must pass, so that all adapters of
// one port behave alike and no in-memory fake drifts from the real thing. Each suite is an
// exported function taking a factory of fresh adapter instances; an adapter's own test calls it:
//
//	func TestRateLimiterContract(t *testing.T) { contract.RateLimiter(t, newLimiter) }
package contract

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// RateLimiter checks a ports.RateLimiter: a burst is allowed, the next event is refused with a
// retry time, keys are independent, and a zero limit never refuses.
func RateLimiter(t *testing.T, fresh func(t *testing.T) ports.RateLimiter) {
	t.Run("burst then refuse", func(t *testing.T) {
		l, ctx := fresh(t), context.Background()
		lim := ports.Limit{Rate: 3, Burst: 3, Period: time.Minute}
		for i := range 3 {
			d, err := l.Allow(ctx, "k:{t}", lim)
			require.NoError(t, err)
			require.True(t, d.Allowed, "event %d", i)
			require.Equal(t, 2-i, d.Remaining)
		}
		d, err := l.Allow(ctx, "k:{t}", lim)
		require.NoError(t, err)
		require.False(t, d.Allowed)
		require.Positive(t, d.RetryAfter)
		require.LessOrEqual(t, d.RetryAfter, 20*time.Second+time.Second)
	})
	t.Run("keys are independent", func(t *testing.T) {
		l, ctx := fresh(t), context.Background()
		lim := ports.Limit{Rate: 1, Burst: 1, Period: time.Minute}
		d, err := l.Allow(ctx, "a", lim)
		require.NoError(t, err)
		require.True(t, d.Allowed)
		d, err = l.Allow(ctx, "b", lim)
		require.NoError(t, err)
		require.True(t, d.Allowed)
		d, err = l.Allow(ctx, "a", lim)
		require.NoError(t, err)
		require.False(t, d.Allowed)
	})
	t.Run("zero limit allows", func(t *testing.T) {
		l := fresh(t)
		for range 10 {
			d, err := l.Allow(context.Background(), "z", ports.Limit{})
			require.NoError(t, err)
			require.True(t, d.Allowed)
		}
	})
}

// Directory checks a ports.Directory inside its unit of work: entries resolve to their tenant,
// unknown keys are not found, a taken key conflicts, and a tenant cannot register for another.
// newTenant creates a tenant and returns its id.
func Directory(t *testing.T, uow ports.UnitOfWork, dir ports.Directory, newTenant func(t *testing.T) string) {
	ctx := context.Background()
	a, b := newTenant(t), newTenant(t)
	key := ports.NewID()
	require.NoError(t, uow.Do(ctx, ports.TenantScope(a), func(ctx context.Context) error {
		return dir.Register(ctx, "thing", key, a)
	}))
	err := uow.Do(ctx, ports.TenantScope(b), func(ctx context.Context) error { return dir.Register(ctx, "thing", ports.NewID(), a) })
	require.ErrorIs(t, err, ports.ErrForbidden, "a tenant registers only for itself")
	err = uow.Do(ctx, ports.TenantScope(a), func(ctx context.Context) error { return dir.Register(ctx, "thing", key, a) })
	require.ErrorIs(t, err, ports.ErrConflict)
	require.NoError(t, uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		got, err := dir.Lookup(ctx, "thing", key)
		require.NoError(t, err)
		require.Equal(t, a, got)
		_, err = dir.Lookup(ctx, "thing", ports.NewID())
		require.ErrorIs(t, err, ports.ErrNotFound)
		return nil
	}))
	err = uow.Do(ctx, ports.TenantScope(b), func(ctx context.Context) error {
		_, err := dir.Lookup(ctx, "thing", key)
		return err
	})
	require.ErrorIs(t, err, ports.ErrNotFound, "another tenant does not see the entry")
}

// BlobStore checks a ports.BlobStore: what is put is got back with its type, a put replaces,
// deletes remove, missing keys are not found and malformed keys are refused.
func BlobStore(t *testing.T, store ports.BlobStore) {
	ctx := context.Background()
	key := "avatars/" + ports.NewID() + "/a.png"
	require.NoError(t, store.Put(ctx, key, "image/png", []byte("one")))
	require.NoError(t, store.Put(ctx, key, "image/png", []byte("two")))
	r, ct, err := store.Get(ctx, key)
	require.NoError(t, err)
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	require.NoError(t, r.Close())
	require.Equal(t, "two", string(b))
	require.Equal(t, "image/png", ct)
	require.NoError(t, store.Delete(ctx, key))
	_, _, err = store.Get(ctx, key)
	require.ErrorIs(t, err, ports.ErrNotFound)
	require.ErrorIs(t, store.Delete(ctx, key), ports.ErrNotFound)
	for _, bad := range []string{"", "../etc/passwd", "avatars/../../x", "/abs/path", "avatars"} {
		require.ErrorIs(t, store.Put(ctx, bad, "text/plain", []byte("x")), ports.ErrInvalid, bad)
	}
}
