package portal

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/core/analytics"
	"github.com/stvos/stvos/core/member"
)

// The analytics data set: two clients, each with five partners of unequal size (40, 25, 15, 10
// and 10% of the client's members) and a tenth more users who belong to no partner, 100 classes
// in 10 categories, and watch segments over the last 365 days. Heavy viewers are more likely
// (user number n = U·r², r uniform), segments last 0 to 45 minutes, mostly short. Segments are
// written in the order they started, as the server writes them, so a day's are near one another
// on disk. The benchmarks read the largest partner of the first client.
var aTenants = [2]string{"00000000-0000-4000-8000-0000000000d0", "00000000-0000-4000-8000-0000000000e0"}

func aPartners(tenant int) []string {
	ps := make([]string, 5)
	for i := range ps {
		ps[i] = fmt.Sprintf("00000000-0000-4000-8000-0000000000%x%d", 0xd+tenant, i+1)
	}
	return ps
}

// aAssign is the partner (index) of member n: 8, 5, 3, 2 and 2 of every 20.
const aAssign = `CASE WHEN n % 20 < 8 THEN 0 WHEN n % 20 < 13 THEN 1 WHEN n % 20 < 16 THEN 2 WHEN n % 20 < 18 THEN 3 ELSE 4 END`

const (
	aClasses    = 100
	aCategories = 10
	aDays       = 365
)

// seedAnalytics seeds the data set with segments watch segments and members members, the two
// clients' segments loaded at once on two connections (the machine's two cores).
func seedAnalytics(b *testing.B, d *db, segments, members int, now time.Time) {
	b.Helper()
	perTenant, membersPer := segments/2, members/2
	usersPer := membersPer + membersPer/10
	d.bulk(b, func() {
		for t, id := range aTenants {
			d.tenant(b, id, aPartners(t)...)
			d.exec(b, `INSERT INTO categories (tenant_id, id, name, created_at)
				SELECT $1::uuid, md5($1::text || ':k:' || n)::uuid, 'Category ' || n, $2 FROM generate_series(1, $3::int) n`, id, now, aCategories)
			d.exec(b, `INSERT INTO classes (tenant_id, id, category_id, title, duration_seconds, level, published, created_at, updated_at)
				SELECT $1::uuid, md5($1::text || ':c:' || n)::uuid, md5($1::text || ':k:' || (1 + n % $4::int))::uuid, 'Class ' || n,
					600 + 60 * (n % 40), 'beginner', true, $2, $2
				FROM generate_series(1, $3::int) n`, id, now, aClasses, aCategories)
			d.seedUsers(b, id, 1, usersPer, now)
			d.seedMembers(b, id, aPartners(t), aAssign, 1, membersPer, now)
		}
	})
	start := time.Now()
	d.withoutIndexes(b, "playback_sessions", func() {
		var wg sync.WaitGroup
		errs := make([]error, len(aTenants))
		for t, id := range aTenants {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[t] = seedSegments(d.url, id, perTenant, usersPer, now)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		b.Logf("inserted %d segments in %s", 2*perTenant, time.Since(start).Round(time.Millisecond))
	})
	b.Logf("indexed them by %s", time.Since(start).Round(time.Millisecond))
	// The bulk load bypassed the triggers that keep the daily rollups (migration 00010).
	start = time.Now()
	d.exec(b, `SELECT stvos_watch_rebuild()`)
	b.Logf("rebuilt the rollups in %s", time.Since(start).Round(time.Millisecond))
}

// seedSegments inserts a client's segments on a connection of its own.
func seedSegments(url, tenantID string, n, users int, now time.Time) error {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, `SET session_replication_role = replica`); err != nil {
		return err
	}
	_, err = c.Exec(ctx, `INSERT INTO playback_sessions (tenant_id, id, user_id, class_id, device, started_at, last_beat_at, ended_at,
			position_seconds, watched_seconds, completed)
		SELECT $1::uuid, gen_random_uuid(), md5($1::text || ':u:' || u)::uuid, md5($1::text || ':c:' || c)::uuid, 'bench',
			s, s + w * interval '1 second', s + w * interval '1 second', w, w, w >= 1800
		FROM (SELECT 1 + floor($3::int * random() ^ 2)::int AS u, 1 + floor($4::int * random())::int AS c,
				$5::timestamptz - random() * interval '`+fmt.Sprint(aDays)+` days' AS s, floor(2700 * random() ^ 2)::int AS w
			FROM generate_series(1, $2::int)) g
		ORDER BY s`, tenantID, n, users, aClasses, now)
	return err
}

func analyticsService(pool *pgxpool.Pool, clock fixedClock) *analytics.Service {
	return analytics.NewService(postgres.NewUnitOfWork(pool), postgres.AnalyticsStore{}, clock)
}

// BenchmarkAnalytics seeds STVOS_BENCH_SEGMENTS watch segments (default 10,000,000) of
// STVOS_BENCH_MEMBERS members (default 20,000), then measures the partner dashboard, the 30-day
// analytics report, the first page of the members list and the members export of the largest
// partner: p50 and p95 of each call, and the same statements replayed straight to PostgreSQL in one
// round trip (ceiling).
func BenchmarkAnalytics(b *testing.B) {
	segments := size(b, "STVOS_BENCH_SEGMENTS", 10_000_000)
	members := size(b, "STVOS_BENCH_MEMBERS", 20_000)
	d := newDB(b)
	now := time.Now().UTC().Truncate(time.Second)
	start := time.Now()
	seedAnalytics(b, d, segments, members, now)
	d.analyze(b)
	b.Logf("seeded %d segments of %d members in %s (with VACUUM ANALYZE)", segments, members, time.Since(start).Round(time.Millisecond))

	clock := fixedClock{now}
	p := member.Partner{TenantID: aTenants[0], PartnerID: aPartners(0)[0]}
	svc := analyticsService(d.pool, clock)
	month, err := analytics.RangeOf(analytics.PeriodMonth, "", "", now)
	if err != nil {
		b.Fatal(err)
	}
	calls := []struct {
		name string
		call func(pool *pgxpool.Pool) error
	}{
		{"Dashboard", func(pool *pgxpool.Pool) error {
			_, err := analyticsService(pool, clock).Dashboard(context.Background(), p)
			return err
		}},
		{"Usage30d", func(pool *pgxpool.Pool) error {
			_, err := analyticsService(pool, clock).Usage(context.Background(), p, month)
			return err
		}},
		{"MembersPage", func(pool *pgxpool.Pool) error {
			_, err := memberService(pool, clock).List(context.Background(), p, member.Filter{}, 1, 20)
			return err
		}},
	}
	for _, c := range calls {
		b.Run(c.name, func(b *testing.B) {
			benchLatency(b, d, p.TenantID, c.call)
		})
	}
	dash, err := svc.Dashboard(context.Background(), p)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("dashboard: %+v", dash)
	b.Run("MembersExport", func(b *testing.B) {
		benchMembersExport(b, d, memberService(d.pool, clock), p, dash.TotalMembers, now)
	})
}

// benchLatency measures call through the server's pool, one call an iteration, and reports the
// p50 and p95 of its latency, and the p50 of the ceiling: the statements it sent replayed in one
// batch.
func benchLatency(b *testing.B, d *db, tenantID string, call func(pool *pgxpool.Pool) error) {
	stmts := record(b, d.url, call)
	explain(b, d.pool, tenantID, stmts)
	var lat, ceil latencies
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if err := call(d.pool); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	for range min(len(lat), 50) {
		ceil = append(ceil, replay(b, d.pool, stmts, false))
	}
	lat.report(b, "", 50, 95)
	ceil.report(b, "ceiling-", 50)
	b.ReportMetric(float64(lat.median())/float64(ceil.median()), "x-ceiling-p50")
	b.ReportMetric(float64(len(stmts)), "statements")
}
