package contract

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// RateLimiter checks a ports.RateLimiter: a burst is allowed, the next event is refused with a
// retry time, keys (which carry the tenant) are independent, and a zero limit never refuses.
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
	t.Run("cross-tenant: keys are independent", func(t *testing.T) {
		// Callers put the tenant in the key, as the request path does: one tenant spending its
		// budget never spends another's.
		l, ctx := fresh(t), context.Background()
		lim := ports.Limit{Rate: 1, Burst: 1, Period: time.Minute}
		a, b := "addr:{"+ports.NewID()+"}:login", "addr:{"+ports.NewID()+"}:login"
		d, err := l.Allow(ctx, a, lim)
		require.NoError(t, err)
		require.True(t, d.Allowed)
		d, err = l.Allow(ctx, a, lim)
		require.NoError(t, err)
		require.False(t, d.Allowed, "A's budget is spent")
		d, err = l.Allow(ctx, b, lim)
		require.NoError(t, err)
		require.True(t, d.Allowed, "B's is whole")
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
