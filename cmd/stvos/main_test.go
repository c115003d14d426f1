package main

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

// TestCommands runs the binary's migrate and bootstrap commands against a real database.
func TestCommands(t *testing.T) {
	url := harness.Database(t)
	ctx := context.Background()
	require.NoError(t, run(ctx, []string{"migrate", "--database-url", url}), "migrating an up-to-date database is a no-op")
	require.NoError(t, run(ctx, []string{"migrate", "status", "--database-url", url}))
	args := []string{"bootstrap", "--database-url", url, "--email", "root@stvos.test", "--password", "a long password"}
	require.NoError(t, run(ctx, args))
	require.NoError(t, run(ctx, args), "bootstrap is idempotent")
	require.Error(t, run(ctx, []string{"bootstrap", "--database-url", url, "--email", "x@stvos.test", "--password", "short"}))
	require.Error(t, run(ctx, []string{"frobnicate"}))
	require.NoError(t, run(ctx, []string{"keys", "rotate", "--database-url", url}))
	require.NoError(t, run(ctx, []string{"keys", "rotate", "--database-url", url}))
	require.Error(t, run(ctx, []string{"keys"}))
	require.Error(t, run(ctx, []string{"serve", "--database-url", ""}), "serve refuses a missing configuration")
}

// TestWorkerRunsJobsWithoutListening runs `stvos worker`: the job workers run (River's periodic
// billing sweep completes) while nothing listens on the HTTP address.
func TestWorkerRunsJobsWithoutListening(t *testing.T) {
	url := harness.Database(t)
	redisURL, prefix := harness.Redis(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"worker", "--database-url", url, "--redis-url", redisURL, "--redis-prefix", prefix,
			"--addr", addr, "--migrate=true", "--blob-dir", t.TempDir(), "--billing-sweep", "200ms", "--log-level", "error"})
	}()
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	defer pool.Close()
	require.Eventually(t, func() bool {
		select {
		case err := <-done:
			require.Fail(t, "the worker stopped", "%v", err)
		default:
		}
		var n int
		err := pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'billing.sweep' AND state = 'completed'`).Scan(&n)
		return err == nil && n > 0
	}, 30*time.Second, 100*time.Millisecond, "the worker runs the billing sweep")
	_, err = net.DialTimeout("tcp", addr, time.Second)
	require.Error(t, err, "the worker serves no HTTP")
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err, "the worker stops cleanly")
	case <-time.After(30 * time.Second):
		t.Fatal("the worker did not stop")
	}
}
