package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	rv "github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/river"
	"github.com/stvos/stvos/test/harness"
)

// TestPurgeJobRemovesExpiredRows plants expired OAuth records, an expired device code with its
// directory entry, and a long-expired session next to live ones; a purge job enqueued in River
// is worked by the running server, which removes exactly the expired rows, tenant by tenant.
func TestPurgeJobRemovesExpiredRows(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "purge-a", nil)
	idB, _ := onboard(t, op, "purge-b", nil)
	d := member(t, newClient(t, srv.URL).with("X-API-Key", keyA), "purge@a.test")
	userID := d["user"].(map[string]any)["id"].(string)

	ctx := context.Background()
	owner, err := pgx.Connect(ctx, srv.Config.DatabaseURL) // the owner role, past row-level security
	require.NoError(t, err)
	defer owner.Close(ctx)
	old, recent := time.Now().Add(-48*time.Hour), time.Now().Add(time.Hour)
	for _, tenantID := range []string{idA, idB} {
		for sig, exp := range map[string]time.Time{"old-" + tenantID: old, "live-" + tenantID: recent} {
			_, err := owner.Exec(ctx, `INSERT INTO oauth_requests (tenant_id, kind, signature, request_id, client_id, requested_at, expires_at)
				VALUES ($1, 'access', $2, 'r', 'c', now(), $3)`, tenantID, sig, exp)
			require.NoError(t, err)
		}
	}
	_, err = owner.Exec(ctx, `INSERT INTO directory (kind, key, tenant_id) VALUES ('device_user_code', 'BCDF-GHJK', $1)`, idA)
	require.NoError(t, err)
	_, err = owner.Exec(ctx, `INSERT INTO oauth_device_codes (tenant_id, user_code, device_signature, client_id, scopes, status, expires_at, created_at)
		VALUES ($1, 'BCDF-GHJK', 'sig', 'c', '{}', 'pending', $2, $2)`, idA, old)
	require.NoError(t, err)
	_, err = owner.Exec(ctx, `INSERT INTO sessions (tenant_id, id, subject_kind, subject_id, refresh_hash, created_at, last_used_at, expires_at)
		VALUES ($1, gen_random_uuid(), 'user', $2, '\x00', $3, $3, $3)`, idA, userID, time.Now().Add(-40*24*time.Hour))
	require.NoError(t, err)

	pool, err := pgxpool.New(ctx, srv.Config.DatabaseURL)
	require.NoError(t, err)
	defer pool.Close()
	inserter, err := rv.NewClient(riverpgxv5.New(pool), &rv.Config{})
	require.NoError(t, err)
	_, err = inserter.Insert(ctx, river.PurgeArgs{}, nil)
	require.NoError(t, err)

	count := func(q string, args ...any) int {
		var n int
		require.NoError(t, owner.QueryRow(ctx, q, args...).Scan(&n))
		return n
	}
	require.Eventually(t, func() bool {
		return count(`SELECT count(*) FROM oauth_requests WHERE signature LIKE 'old-%'`) == 0
	}, 20*time.Second, 100*time.Millisecond, "the job removed the expired records")
	require.Equal(t, 2, count(`SELECT count(*) FROM oauth_requests WHERE signature LIKE 'live-%'`), "live records stay")
	require.Zero(t, count(`SELECT count(*) FROM oauth_device_codes WHERE user_code = 'BCDF-GHJK'`))
	require.Zero(t, count(`SELECT count(*) FROM directory WHERE key = 'BCDF-GHJK'`))
	require.Equal(t, 1, count(`SELECT count(*) FROM sessions WHERE subject_id = $1`, userID), "only the live session stays")
	require.Equal(t, http.StatusOK, newClient(t, srv.URL).with("Authorization", "Bearer "+d["accessToken"].(string)).call("GET", "/users/me", nil).Status)
}
