package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// TestReadsWriteNothing makes 300 authenticated reads (API key and bearer token) and checks that
// no row of the database was written or locked meanwhile: every row keeps its ctid, xmin and
// xmax (an update makes a new version, a lock such as FOR UPDATE sets xmax). API key uses are
// written in batches, here held back for the test's duration; River's own bookkeeping tables
// are left out.
func TestReadsWriteNothing(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t, map[string]string{"STVOS_KEY_USE_INTERVAL": "1h",
		"STVOS_RATE_PER_ADDRESS": "100000", "STVOS_RATE_PER_CREDENTIAL": "100000"})
	_, key := onboard(t, operator(t, srv), "readonly", map[string]string{"st_aboutus": "<p>About</p>"})
	app := newClient(t, srv.URL).with("X-API-Key", key)
	user := newClient(t, srv.URL).with("Authorization", "Bearer "+member(t, app, "reader@readonly.test")["accessToken"].(string))
	reads := func(n int) {
		for range n {
			require.Equal(t, http.StatusOK, app.call("GET", "/app/strings", nil).Status)
			require.Equal(t, http.StatusOK, user.call("GET", "/users/me", nil).Status)
		}
	}
	reads(2) // the first calls of a process may load its caches: reads too, but outside the count

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, srv.Config.DatabaseURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	// Background work the setup caused (the member's welcome email) finishes before the count.
	require.Eventually(t, func() bool {
		var pending int
		err := conn.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'email.send'
			AND state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&pending)
		return err == nil && pending == 0
	}, 15*time.Second, 20*time.Millisecond, "the setup's jobs finish")
	before := rowVersions(t, conn)
	require.NotEmpty(t, before)
	reads(150)
	after := rowVersions(t, conn)
	var changed []string
	for row, version := range before {
		if after[row] != version {
			changed = append(changed, row+" "+version+" → "+after[row])
		}
	}
	for row := range after {
		if _, ok := before[row]; !ok {
			changed = append(changed, row+" (new)")
		}
	}
	require.Empty(t, changed, "rows written or locked by 300 reads")
}

// rowVersions maps every row of every table but River's to its version (xmin and xmax), keyed by
// table and ctid.
func rowVersions(t *testing.T, conn *pgx.Conn) map[string]string {
	ctx := context.Background()
	rows, err := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'river%'`)
	require.NoError(t, err)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	out := map[string]string{}
	for _, table := range tables {
		rows, err := conn.Query(ctx, `SELECT ctid::text, xmin::text || '/' || xmax::text FROM `+pgx.Identifier{table}.Sanitize())
		require.NoError(t, err)
		for rows.Next() {
			var ctid, version string
			require.NoError(t, rows.Scan(&ctid, &version))
			out[strings.Join([]string{table, ctid}, " ")] = version
		}
		require.NoError(t, rows.Err())
	}
	return out
}
