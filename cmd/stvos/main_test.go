package main

import (
	"context"
	"testing"

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
