package portal

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stvos/stvos/adapters/csv"
	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/core/member"
	"github.com/stvos/stvos/ports"
)

// Fixed ids of the members data set: one client, a partner with the large export, one with the
// small one.
const (
	mTenant = "00000000-0000-4000-8000-00000000000c"
	mBig    = "00000000-0000-4000-8000-0000000000c1"
	mSmall  = "00000000-0000-4000-8000-0000000000c2"
)

func memberService(pool *pgxpool.Pool, clock ports.Clock) *member.Service {
	return member.NewService(postgres.NewUnitOfWork(pool), postgres.MemberStore{}, clock)
}

// BenchmarkMembersExport seeds STVOS_BENCH_MEMBER_ROWS (default 1,000,000) members of one partner
// and 10,000 of another (users, redeemed vouchers, memberships; no viewing: the viewing of members
// is BenchmarkAnalytics' data), then measures the CSV export of each as BenchmarkVouchers does.
func BenchmarkMembersExport(b *testing.B) {
	big := size(b, "STVOS_BENCH_MEMBER_ROWS", 1_000_000)
	d := newDB(b)
	now := time.Now().UTC().Truncate(time.Second)
	start := time.Now()
	d.tenant(b, mTenant, mBig, mSmall)
	d.bulk(b, func() {
		d.seedUsers(b, mTenant, 1, big+10_000, now)
		d.seedMembers(b, mTenant, []string{mBig}, "0", 1, big, now)
		d.seedMembers(b, mTenant, []string{mSmall}, "0", big+1, big+10_000, now)
	})
	d.analyze(b)
	b.Logf("seeded %d + 10000 members in %s", big, time.Since(start).Round(time.Millisecond))
	svc := memberService(d.pool, fixedClock{now})
	for _, c := range []struct {
		name    string
		partner string
		rows    int
	}{{"10k", mSmall, 10_000}, {count(big), mBig, big}} {
		p := member.Partner{TenantID: mTenant, PartnerID: c.partner}
		b.Run(c.name, func(b *testing.B) {
			benchMembersExport(b, d, svc, p, c.rows, now)
		})
	}
}

// benchMembersExport measures the members export of the partner, with PostgreSQL's COPY of the
// same query (recorded from a call, so it is the adapter's own SQL) as the ceiling.
func benchMembersExport(b *testing.B, d *db, svc *member.Service, p member.Partner, rows int, now time.Time) {
	export := func(w *counter) error {
		return svc.Export(context.Background(), p, member.Filter{}, csv.Exports{}.Writer(w))
	}
	benchExport(b, d, rows, export, copyCeiling(b, d, p.TenantID, func(pool *pgxpool.Pool) error {
		return memberService(pool, fixedClock{now}).Export(context.Background(), p, member.Filter{}, csv.Exports{}.Writer(&counter{}))
	}))
}
