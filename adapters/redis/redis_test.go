package redis_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/redis"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/contract"
	"github.com/stvos/stvos/test/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

func TestRateLimiterContract(t *testing.T) {
	contract.RateLimiter(t, func(t *testing.T) ports.RateLimiter {
		url, prefix := harness.Redis(t)
		c, err := redis.Connect(context.Background(), url)
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		return redis.NewChecker(c, prefix, nil)
	})
}

func TestAdmissionContract(t *testing.T) {
	for name, mode := range map[string]string{"direct": "", "batched": "batched", "grouped by slot": "grouped"} {
		t.Run(name, func(t *testing.T) {
			contract.Admission(t, func(t *testing.T) (contract.AdmissionStore, ports.Revocations) {
				url, prefix := harness.Redis(t)
				c, err := redis.Connect(context.Background(), url)
				require.NoError(t, err)
				t.Cleanup(func() { _ = c.Close() })
				chk := redis.NewChecker(c, prefix, nil)
				switch mode {
				case "batched":
					chk.Batched()
				case "grouped":
					chk.Grouped()
				}
				return chk, redis.NewRevocations(c, prefix)
			})
		})
	}
}

// TestScriptReloadsAfterFlush shows that a Redis that forgot the check script (a restart, a
// SCRIPT FLUSH) is sent the script's text once and answers as before.
func TestScriptReloadsAfterFlush(t *testing.T) {
	for _, grouped := range []bool{false, true} {
		url, prefix := harness.Redis(t)
		ctx := context.Background()
		c, err := redis.Connect(ctx, url)
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		chk := redis.NewChecker(c, prefix, nil)
		if grouped {
			chk.Grouped()
		}
		lim := ports.Limit{Rate: 10, Burst: 10, Period: time.Minute}
		q := ports.AdmissionQuery{Limits: []ports.KeyedLimit{{Key: "rl:{t}:k", Limit: lim}, {Key: "rl:addr:{a}", Limit: lim}}}
		ans, err := chk.Admit(ctx, q)
		require.NoError(t, err)
		require.Equal(t, 9, ans.Decisions[0].Remaining)
		require.NoError(t, c.ScriptFlush(ctx).Err())
		ans, err = chk.Admit(ctx, q)
		require.NoError(t, err)
		require.Equal(t, 8, ans.Decisions[0].Remaining, "grouped %v: the event is counted exactly once", grouped)
		require.Equal(t, 8, ans.Decisions[1].Remaining)
	}
}

func TestRevocationsContract(t *testing.T) {
	contract.Revocations(t, func(t *testing.T) (ports.Revocations, ports.Revocations) {
		url, prefix := harness.Redis(t)
		one, err := redis.Connect(context.Background(), url)
		require.NoError(t, err)
		two, err := redis.Connect(context.Background(), url)
		require.NoError(t, err)
		t.Cleanup(func() { _ = one.Close(); _ = two.Close() })
		return redis.NewRevocations(one, prefix), redis.NewRevocations(two, prefix)
	})
}

func TestStreamSlotsContract(t *testing.T) {
	contract.StreamSlots(t, func(t *testing.T) (ports.StreamSlots, ports.StreamSlots) {
		url, prefix := harness.Redis(t)
		one, err := redis.Connect(context.Background(), url)
		require.NoError(t, err)
		two, err := redis.Connect(context.Background(), url)
		require.NoError(t, err)
		t.Cleanup(func() { _ = one.Close(); _ = two.Close() })
		return redis.NewSlots(one, prefix), redis.NewSlots(two, prefix)
	})
}
