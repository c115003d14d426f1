package contract

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// AdmissionStore is what the admission suite needs of an adapter: the one-round-trip checks, the
// change announcements that advance a generation, and the revocation list they read.
type AdmissionStore interface {
	ports.Admission
	ports.Changes
	ports.RateLimiter
}

// Admission checks a ports.Admission: limits are counted and decided as RateLimiter.Allow does,
// across keys of different hash slots in one query; a revoked session is reported; a tenant's
// generation advances with each announced change and is independent of other tenants'.
func Admission(t *testing.T, fresh func(t *testing.T) (AdmissionStore, ports.Revocations)) {
	t.Run("limits of several slots in one query", func(t *testing.T) {
		a, _ := fresh(t)
		ctx := context.Background()
		two := ports.Limit{Rate: 2, Burst: 2, Period: time.Minute}
		q := ports.AdmissionQuery{Limits: []ports.KeyedLimit{
			{Key: "rl:addr:{10.0.0.1}", Limit: two},
			{Key: "rl:{tenant-a}:key:1", Limit: ports.Limit{Rate: 5, Burst: 5, Period: time.Minute}},
			{Key: "rl:{tenant-a}:none", Limit: ports.Limit{}},
		}}
		ans, err := a.Admit(ctx, q)
		require.NoError(t, err)
		require.Len(t, ans.Decisions, 3)
		require.True(t, ans.Decisions[0].Allowed)
		require.Equal(t, 1, ans.Decisions[0].Remaining)
		require.True(t, ans.Decisions[1].Allowed)
		require.Equal(t, 4, ans.Decisions[1].Remaining)
		require.True(t, ans.Decisions[2].Allowed, "a zero limit never refuses")
		_, err = a.Admit(ctx, q)
		require.NoError(t, err)
		ans, err = a.Admit(ctx, q)
		require.NoError(t, err)
		require.False(t, ans.Decisions[0].Allowed, "the third event of a burst of two is refused")
		require.Positive(t, ans.Decisions[0].RetryAfter)
		require.True(t, ans.Decisions[1].Allowed, "a refusal of one limit does not refuse another")
		require.Equal(t, 2, ans.Decisions[1].Remaining, "every limit is counted")
		// Allow shares the same counters.
		d, err := a.Allow(ctx, "rl:{tenant-a}:key:1", ports.Limit{Rate: 5, Burst: 5, Period: time.Minute})
		require.NoError(t, err)
		require.Equal(t, 1, d.Remaining)
	})
	t.Run("revoked sessions", func(t *testing.T) {
		a, rv := fresh(t)
		ctx := context.Background()
		ans, err := a.Admit(ctx, ports.AdmissionQuery{SessionID: "s1"})
		require.NoError(t, err)
		require.False(t, ans.Revoked)
		require.NoError(t, rv.Revoke(ctx, []string{"s1"}, time.Minute))
		ans, err = a.Admit(ctx, ports.AdmissionQuery{SessionID: "s1"})
		require.NoError(t, err)
		require.True(t, ans.Revoked)
		ans, err = a.Admit(ctx, ports.AdmissionQuery{SessionID: "s2"})
		require.NoError(t, err)
		require.False(t, ans.Revoked)
	})
	t.Run("cross-tenant: generations advance per tenant", func(t *testing.T) {
		a, _ := fresh(t)
		ctx := context.Background()
		gen := func(tenantID string) int64 {
			ans, err := a.Admit(ctx, ports.AdmissionQuery{TenantID: tenantID})
			require.NoError(t, err)
			return ans.Generation
		}
		before, other := gen("tenant-a"), gen("tenant-b")
		a.Changed(ctx, "tenant-a")
		require.NotEqual(t, before, gen("tenant-a"))
		require.Equal(t, other, gen("tenant-b"), "another tenant's change leaves a tenant's generation alone")
	})
	t.Run("everything at once", func(t *testing.T) {
		a, rv := fresh(t)
		ctx := context.Background()
		require.NoError(t, rv.Revoke(ctx, []string{"s9"}, time.Minute))
		a.Changed(ctx, "tenant-c")
		ans, err := a.Admit(ctx, ports.AdmissionQuery{
			Limits:    []ports.KeyedLimit{{Key: "rl:addr:{10.0.0.2}", Limit: ports.Limit{Rate: 1, Burst: 1, Period: time.Minute}}},
			SessionID: "s9", TenantID: "tenant-c"})
		require.NoError(t, err)
		require.True(t, ans.Decisions[0].Allowed)
		require.True(t, ans.Revoked)
		require.Positive(t, ans.Generation)
	})
}
