package redis_test

import (
	"context"
	"testing"

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
		return redis.NewRateLimiter(c, prefix)
	})
}
