package postgres_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/core/analytics"
	"github.com/stvos/stvos/core/member"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/harness"
)

// rawViewing is the definition the rollups must reproduce: the segments of the partner's members
// started in [$2, $3). The analytics store read it directly before migration 00010.
const rawViewing = `SELECT p.* FROM playback_sessions p
	JOIN partner_members pm ON pm.tenant_id = p.tenant_id AND pm.user_id = p.user_id
	WHERE p.tenant_id = app_tenant_id() AND pm.partner_id = $1 AND p.started_at >= $2 AND p.started_at < $3`

// TestAnalyticsRollups changes segments and memberships every way the triggers must follow
// (inserts, heartbeats adding seconds, completion, deletes, a member moving partner, a member
// joining with viewing already recorded), then checks that every figure of the analytics store,
// over periods that begin and end anywhere in a day, equals the same figure computed from the
// segments themselves.
func TestAnalyticsRollups(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := harness.Database(t)
	pool, err := postgres.Connect(ctx, url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	owner, err := pgx.Connect(ctx, url) // the migrations' role: writes past row-level security
	require.NoError(t, err)
	defer owner.Close(ctx)
	b := rollupBundle{pool: pool}
	tenantID := ports.NewID()
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := owner.Exec(ctx, sql, args...)
		require.NoError(t, err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	exec(`INSERT INTO tenants (id, slug, name, status, created_at, updated_at) VALUES ($1::uuid, $1::text, 'T', 'active', $2, $2)`, tenantID, now)
	partners := []string{ports.NewID(), ports.NewID()}
	for _, p := range partners {
		exec(`INSERT INTO partners (tenant_id, id, name, status, created_at) VALUES ($1, $2, 'P', 'active', $3)`, tenantID, p, now)
	}
	exec(`INSERT INTO categories (tenant_id, id, name, created_at) SELECT $1::uuid, md5($1::text || 'k' || n)::uuid, 'Cat ' || n, $2
		FROM generate_series(1, 3) n`, tenantID, now)
	exec(`INSERT INTO classes (tenant_id, id, category_id, title, duration_seconds, level, published, created_at, updated_at)
		SELECT $1::uuid, md5($1::text || 'c' || n)::uuid, md5($1::text || 'k' || (1 + n % 3))::uuid, 'Class ' || n, 1800, 'all', true, $2, $2
		FROM generate_series(1, 6) n`, tenantID, now)
	exec(`INSERT INTO users (tenant_id, id, email, password_hash, status, roles, created_at, updated_at)
		SELECT $1::uuid, md5($1::text || 'u' || n)::uuid, n || '@rollup.test', 'x', 'active', '{subscriber}', $2, $2
		FROM generate_series(1, 12) n`, tenantID, now)
	// Users 1-10 join a partner (odd, even); 11 and 12 watch without one, for now.
	exec(`INSERT INTO vouchers (tenant_id, partner_id, code, status, created_at, redeemed_by, redeemed_at)
		SELECT $1::uuid, ($2::uuid[])[1 + n % 2], 'R' || n, 'redeemed', $3, md5($1::text || 'u' || n)::uuid, $3 FROM generate_series(1, 12) n`,
		tenantID, partners, now.AddDate(0, 0, -80))
	exec(`INSERT INTO partner_members (tenant_id, user_id, partner_id, voucher_id, voucher_code, joined_at)
		SELECT tenant_id, redeemed_by, partner_id, id, code, redeemed_at - (id % 50) * interval '1 day' FROM vouchers
		WHERE tenant_id = $1 AND code <> 'R11' AND code <> 'R12'`, tenantID)

	// Segments over 70 days at random times, some in the future of "now" (a skewed clock).
	rng := rand.New(rand.NewPCG(1, 2))
	for range 600 {
		at := now.Add(-time.Duration(rng.Int64N(int64(70 * 24 * time.Hour)))).Add(time.Duration(rng.IntN(3)) * time.Hour)
		secs := rng.IntN(200)
		exec(`INSERT INTO playback_sessions (tenant_id, id, user_id, class_id, started_at, last_beat_at, watched_seconds, completed)
			VALUES ($1::uuid, gen_random_uuid(), md5($1::text || 'u' || $2::int)::uuid, md5($1::text || 'c' || $3::int)::uuid, $4, $4, $5, $6)`,
			tenantID, 1+rng.IntN(12), 1+rng.IntN(6), at, secs, secs > 150)
	}
	// Heartbeats as the server's role: seconds added, some completed.
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, tenantID)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `UPDATE playback_sessions SET watched_seconds = watched_seconds + 45, last_beat_at = last_beat_at + interval '45 seconds',
		completed = completed OR watched_seconds > 120 WHERE tenant_id = app_tenant_id() AND id::text < '4'`)
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
	uow := postgres.NewUnitOfWork(pool)
	exec(`DELETE FROM playback_sessions WHERE tenant_id = $1 AND id::text > 'e'`, tenantID)
	exec(`UPDATE playback_sessions SET class_id = md5($1::text || 'c1')::uuid, started_at = started_at - interval '13 hours'
		WHERE tenant_id = $1 AND id::text BETWEEN '8' AND '9'`, tenantID)
	// Memberships change: user 3 moves partner, user 11 joins with viewing, user 4 leaves.
	exec(`UPDATE partner_members SET partner_id = $2 WHERE tenant_id = $1 AND user_id = md5($1::text || 'u3')::uuid`, tenantID, partners[0])
	exec(`INSERT INTO partner_members (tenant_id, user_id, partner_id, voucher_id, voucher_code, joined_at)
		SELECT tenant_id, redeemed_by, partner_id, id, code, $2 FROM vouchers WHERE tenant_id = $1 AND code = 'R11'`, tenantID, now)
	exec(`DELETE FROM partner_members WHERE tenant_id = $1 AND user_id = md5($1::text || 'u4')::uuid`, tenantID)

	store := postgres.AnalyticsStore{}
	day := 24 * time.Hour
	periods := [][2]time.Time{
		{now.Add(-30 * day), now}, {now.Add(-60 * day), now.Add(-30 * day)}, {time.Time{}, now},
		{now.Truncate(day).Add(-7 * day), now.Truncate(day).Add(day)}, {now.Add(-5 * time.Hour), now.Add(-time.Hour)},
		{now.Add(-90 * day), now.Add(5 * day)}, {now.Truncate(day).Add(-2 * day), now.Truncate(day).Add(-day)},
	}
	for _, p := range partners {
		for _, w := range periods {
			require.NoError(t, uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
				got, err := store.Totals(ctx, p, member.ActiveIn(w[0], w[1]))
				require.NoError(t, err)
				require.Equal(t, rawTotals(t, ctx, b, tenantID, p, w[0], w[1]), got, "totals %v", w)
				viewing, err := store.Viewing(ctx, p, w[0], w[1])
				require.NoError(t, err)
				got.ActiveMembers = 0
				require.Equal(t, got, viewing)
				if w[1].Sub(w[0]) >= 30*day {
					require.Positive(t, got.ClassesWatched, "the long periods see viewing")
				}

				var members []member.Member
				require.NoError(t, postgres.MemberStore{}.EachMember(ctx, p, member.Filter{}, member.ActiveIn(w[0], w[1]), func(m member.Member) error {
					members = append(members, m)
					return nil
				}))
				require.Equal(t, rawMembers(t, ctx, b, tenantID, p, w[0], w[1]), members, "members %v", w)

				days, err := store.WatchByDay(ctx, p, w[0], w[1])
				require.NoError(t, err)
				require.Equal(t, rawDays(t, ctx, b, tenantID, p, w[0], w[1]), days, "days %v", w)
				for _, q := range []struct {
					name string
					get  func(context.Context, string, time.Time, time.Time, int) ([]analytics.Popular, error)
					sql  string
				}{
					{"classes", store.PopularClasses, `SELECT k.id::text, k.title, c.name, count(*), sum(s.watched_seconds)
						FROM (` + rawViewing + `) s JOIN classes k ON k.tenant_id = s.tenant_id AND k.id = s.class_id
						JOIN categories c ON c.tenant_id = k.tenant_id AND c.id = k.category_id
						GROUP BY k.id, k.title, c.name ORDER BY count(*) DESC, sum(s.watched_seconds) DESC, k.title LIMIT $4`},
					{"categories", store.PopularCategories, `SELECT c.id::text, c.name, '', count(*), sum(s.watched_seconds)
						FROM (` + rawViewing + `) s JOIN classes k ON k.tenant_id = s.tenant_id AND k.id = s.class_id
						JOIN categories c ON c.tenant_id = k.tenant_id AND c.id = k.category_id
						GROUP BY c.id, c.name ORDER BY count(*) DESC, sum(s.watched_seconds) DESC, c.name LIMIT $4`},
				} {
					got, err := q.get(ctx, p, w[0], w[1], 10)
					require.NoError(t, err)
					require.Equal(t, rawPopular(t, ctx, b, tenantID, q.sql, p, w[0], w[1]), got, "%s %v", q.name, w)
				}
				return nil
			}))
		}
	}

	// A rebuild from the segments finds what the triggers kept.
	var drift int
	const rollups = `SELECT tenant_id, partner_id, day::text, class_id, sessions, completed, watched_seconds FROM watch_partner_days WHERE sessions <> 0
		UNION ALL SELECT tenant_id, partner_id, day::text, user_id, sessions, 0, watched_seconds FROM watch_member_days WHERE sessions <> 0
		UNION ALL SELECT tenant_id, partner_id, last_watched_at::text, user_id, sessions, completed, watched_seconds FROM watch_members WHERE sessions <> 0`
	exec(`CREATE TEMP TABLE kept AS ` + rollups)
	exec(`SELECT stvos_watch_rebuild()`)
	require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM ((SELECT * FROM kept EXCEPT ALL (`+rollups+`))
		UNION ALL ((`+rollups+`) EXCEPT ALL SELECT * FROM kept)) x`).Scan(&drift))
	require.Zero(t, drift, "rollups kept by the triggers differ from a rebuild")
}

// rollupBundle is what the reference queries need.
type rollupBundle struct{ pool *pgxpool.Pool }

// read runs a reference query in the tenant's scope, as the server's role.
func read(t *testing.T, ctx context.Context, b rollupBundle, tenantID string, fn func(tx pgx.Tx) error) {
	t.Helper()
	tx, err := b.pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx) //nolint:errcheck // read only
	_, err = tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, tenantID)
	require.NoError(t, err)
	require.NoError(t, fn(tx))
}

func rawTotals(t *testing.T, ctx context.Context, b rollupBundle, tenantID, partnerID string, from, to time.Time) analytics.Totals {
	var tot analytics.Totals
	read(t, ctx, b, tenantID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `WITH s AS (`+rawViewing+`), u AS (SELECT user_id, sum(watched_seconds) AS secs FROM s GROUP BY user_id)
			SELECT (SELECT count(*) FROM partner_members WHERE tenant_id = app_tenant_id() AND partner_id = $1 AND joined_at < $3),
				(SELECT count(*) FROM u WHERE secs >= $4), (SELECT coalesce(sum(watched_seconds), 0) FROM s), (SELECT count(*) FROM s),
				(SELECT count(*) FROM s WHERE completed)`, partnerID, from, to, member.MinActiveSeconds).
			Scan(&tot.Members, &tot.ActiveMembers, &tot.WatchSeconds, &tot.ClassesWatched, &tot.ClassesCompleted)
	})
	return tot
}

func rawDays(t *testing.T, ctx context.Context, b rollupBundle, tenantID, partnerID string, from, to time.Time) []analytics.Day {
	var out []analytics.Day
	read(t, ctx, b, tenantID, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT (started_at AT TIME ZONE 'UTC')::date AS day, sum(watched_seconds)
			FROM (`+rawViewing+`) s GROUP BY day ORDER BY day`, partnerID, from, to)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (analytics.Day, error) {
			var d analytics.Day
			return d, r.Scan(&d.Date, &d.WatchSeconds)
		})
		return err
	})
	return out
}

func rawPopular(t *testing.T, ctx context.Context, b rollupBundle, tenantID, sql, partnerID string, from, to time.Time) []analytics.Popular {
	var out []analytics.Popular
	read(t, ctx, b, tenantID, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sql, partnerID, from, to, 10)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (analytics.Popular, error) {
			var p analytics.Popular
			return p, r.Scan(&p.ID, &p.Name, &p.Category, &p.Views, &p.WatchSeconds)
		})
		return err
	})
	return out
}

// rawMembers is the members export's reference: every figure of each member from their segments.
func rawMembers(t *testing.T, ctx context.Context, b rollupBundle, tenantID, partnerID string, from, to time.Time) []member.Member {
	var out []member.Member
	read(t, ctx, b, tenantID, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `WITH a AS (
				SELECT p.user_id, sum(p.watched_seconds) FILTER (WHERE p.started_at >= $2 AND p.started_at < $3) AS period_seconds,
					sum(p.watched_seconds) AS total_seconds, count(*) AS sessions,
					count(*) FILTER (WHERE p.completed) AS completed, max(p.last_beat_at) AS last_watched
				FROM playback_sessions p JOIN partner_members pm ON pm.tenant_id = p.tenant_id AND pm.user_id = p.user_id
				WHERE p.tenant_id = app_tenant_id() AND pm.partner_id = $1 GROUP BY p.user_id)
			SELECT m.user_id, u.display_name, u.email, u.status, m.joined_at, coalesce(v.code, ''),
				coalesce(a.total_seconds, 0), coalesce(a.period_seconds, 0), coalesce(a.sessions, 0), coalesce(a.completed, 0),
				a.last_watched, coalesce(a.period_seconds, 0) >= $4
			FROM partner_members m JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
			LEFT JOIN vouchers v ON v.id = m.voucher_id LEFT JOIN a ON a.user_id = m.user_id
			WHERE m.tenant_id = app_tenant_id() AND m.partner_id = $1 ORDER BY m.joined_at DESC, m.user_id`,
			partnerID, from, to, member.MinActiveSeconds)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (member.Member, error) {
			var m member.Member
			err := r.Scan(&m.UserID, &m.Name, &m.Email, &m.AccountStatus, &m.JoinedAt, &m.VoucherCode, &m.WatchSeconds,
				&m.PeriodSeconds, &m.ClassesWatched, &m.ClassesCompleted, &m.LastWatchedAt, &m.Active)
			m.JoinedAt = m.JoinedAt.UTC()
			if m.LastWatchedAt != nil {
				*m.LastWatchedAt = m.LastWatchedAt.UTC()
			}
			return m, err
		})
		return err
	})
	return out
}
