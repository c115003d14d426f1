package redis_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/redis"
	"github.com/stvos/stvos/test/harness"
)

// TestFlagChangesReachEveryListener announces through one client and hears it on two others, as
// three server processes would; a listener stopped hears nothing more and Stop returns at once.
func TestFlagChangesReachEveryListener(t *testing.T) {
	t.Parallel()
	url, prefix := harness.Redis(t)
	ctx := context.Background()
	open := func() *redis.FlagChanges {
		c, err := redis.Connect(ctx, url)
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		return redis.NewFlagChanges(c, prefix, slog.New(slog.DiscardHandler))
	}
	var mu sync.Mutex
	heard := map[int][]string{}
	listen := func(i int) *redis.FlagChanges {
		f := open()
		require.NoError(t, f.Listen(ctx, func(id string) {
			mu.Lock()
			defer mu.Unlock()
			heard[i] = append(heard[i], id)
		}, func() {}))
		return f
	}
	one, two := listen(1), listen(2)
	announcer := open()
	announcer.Announce(ctx, "tenant-a")
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(heard[1]) == 1 && len(heard[2]) == 1
	}, 2*time.Second, 5*time.Millisecond)
	require.Equal(t, []string{"tenant-a"}, heard[1])

	stopped := make(chan struct{})
	go func() { two.Stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(2 * time.Second):
		t.Fatal("Stop did not return")
	}
	announcer.Announce(ctx, "tenant-b")
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(heard[1]) == 2
	}, 2*time.Second, 5*time.Millisecond)
	one.Stop()
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, []string{"tenant-a"}, heard[2], "a stopped listener hears nothing more")
}

// TestFlagChangesResetAfterALostSubscription kills the listener's connection on the server: the
// listener subscribes again by itself and tells its cache to drop everything (announcements made
// meanwhile were lost), then hears announcements again.
func TestFlagChangesResetAfterALostSubscription(t *testing.T) {
	// Not parallel: it kills every pub/sub connection of the shared Redis.
	url, prefix := harness.Redis(t)
	ctx := context.Background()
	raw, err := redis.Connect(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = raw.Close() })
	listenerConn, err := redis.Connect(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = listenerConn.Close() })
	f := redis.NewFlagChanges(listenerConn, prefix, slog.New(slog.DiscardHandler))
	var mu sync.Mutex
	var heard []string
	resets := 0
	require.NoError(t, f.Listen(ctx, func(id string) { mu.Lock(); heard = append(heard, id); mu.Unlock() },
		func() { mu.Lock(); resets++; mu.Unlock() }))
	t.Cleanup(f.Stop)
	require.NoError(t, raw.Do(ctx, "CLIENT", "KILL", "TYPE", "pubsub").Err())
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return resets == 1 }, 5*time.Second, 10*time.Millisecond)
	announcer := redis.NewFlagChanges(raw, prefix, slog.New(slog.DiscardHandler))
	require.Eventually(t, func() bool {
		announcer.Announce(ctx, "tenant-a")
		mu.Lock()
		defer mu.Unlock()
		return len(heard) > 0
	}, 5*time.Second, 50*time.Millisecond)
}
