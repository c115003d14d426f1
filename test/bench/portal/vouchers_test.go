package portal

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stvos/stvos/adapters/csv"
	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/voucher"
	"github.com/stvos/stvos/ports"
)

// Fixed ids of the voucher data set: one client, a partner with the large export, one with the
// small one, and one that generates codes (so exports read the same rows every time, while codes
// are generated against the client's whole unique index of codes).
const (
	vTenant   = "00000000-0000-4000-8000-00000000000a"
	vBig      = "00000000-0000-4000-8000-0000000000b1"
	vSmall    = "00000000-0000-4000-8000-0000000000b2"
	vGenerate = "00000000-0000-4000-8000-0000000000b3"
)

// seedVouchers inserts n codes of a partner with every status (a tenth redeemed, a tenth
// revoked, a fifth with an expiry, half of those past), as one INSERT ... SELECT.
func (d *db) seedVouchers(b *testing.B, partnerID, prefix string, n int, now time.Time) {
	b.Helper()
	d.exec(b, `INSERT INTO vouchers (tenant_id, partner_id, code, status, expires_at, created_by, created_at, redeemed_by, redeemed_at, revoked_at)
		SELECT $1, $2, $3 || lpad(n::text, 9, '0'),
			CASE n % 10 WHEN 0 THEN 'redeemed' WHEN 1 THEN 'revoked' ELSE 'active' END,
			CASE WHEN n % 5 = 2 THEN $4::timestamptz + (n % 700 - 350) * interval '1 day' END,
			'bench-staff', $4::timestamptz - (n % 365) * interval '1 day' - (n % 86400) * interval '1 second',
			CASE WHEN n % 10 = 0 THEN md5(n::text)::uuid END,
			CASE WHEN n % 10 = 0 THEN $4::timestamptz - (n % 30) * interval '1 day' END,
			CASE WHEN n % 10 = 1 THEN $4::timestamptz - (n % 30) * interval '1 day' END
		FROM generate_series(1, $5::int) n`, vTenant, partnerID, prefix, now, n)
}

func voucherService(pool *pgxpool.Pool, clock ports.Clock) *voucher.Service {
	return voucher.NewService(voucher.Deps{UnitOfWork: postgres.NewUnitOfWork(pool), Store: postgres.VoucherStore{},
		Partners: postgres.VoucherStore{}, Audit: postgres.AuditStore{}, Clock: clock})
}

var benchStaff = audit.Actor{Kind: "partner_staff", ID: "bench-staff", Roles: []string{"owner"}}

// BenchmarkVouchers seeds STVOS_BENCH_EXPORT_ROWS (default 1,000,000) codes of one partner and
// 10,000 of another, then measures the CSV export of each (time, peak heap growth, and the ratio
// to PostgreSQL's COPY of the same rows), and the generation of 500 codes (p50, p99).
func BenchmarkVouchers(b *testing.B) {
	big := size(b, "STVOS_BENCH_EXPORT_ROWS", 1_000_000)
	d := newDB(b)
	now := time.Now().UTC().Truncate(time.Second)
	start := time.Now()
	d.tenant(b, vTenant, vBig, vSmall, vGenerate)
	d.seedVouchers(b, vBig, "BIG", big, now)
	d.seedVouchers(b, vSmall, "SML", 10_000, now)
	d.analyze(b)
	b.Logf("seeded %d + 10000 vouchers in %s", big, time.Since(start).Round(time.Millisecond))
	svc := voucherService(d.pool, fixedClock{now})

	for _, c := range []struct {
		name    string
		partner string
		rows    int
	}{{"Export10k", vSmall, 10_000}, {fmt.Sprintf("Export%s", count(big)), vBig, big}} {
		by := voucher.Staff{TenantID: vTenant, PartnerID: c.partner, Actor: benchStaff}
		export := func(w *counter) error {
			return svc.Export(context.Background(), by, voucher.Filter{}, csv.Exports{}.Writer(w))
		}
		b.Run(c.name, func(b *testing.B) {
			benchExport(b, d, c.rows, export, copyCeiling(b, d, vTenant, func(pool *pgxpool.Pool) error {
				return voucherService(pool, fixedClock{now}).Export(context.Background(), by, voucher.Filter{}, csv.Exports{}.Writer(&counter{}))
			}))
		})
	}

	b.Run("Generate500", func(b *testing.B) {
		by := voucher.Staff{TenantID: vTenant, PartnerID: vGenerate, Actor: benchStaff}
		gen := voucherService(d.pool, ports.SystemClock{})
		generate := func(pool *pgxpool.Pool) error {
			vs, err := voucherService(pool, ports.SystemClock{}).Generate(context.Background(), by, voucher.Generation{Quantity: voucher.MaxPerRequest})
			if err == nil && len(vs) != voucher.MaxPerRequest {
				err = fmt.Errorf("generated %d codes", len(vs))
			}
			return err
		}
		// The ceiling replays the recorded transaction (500-row INSERT, audit record) rolled back, so
		// its codes stay free; the recorded call's own rows are removed first.
		stmts := record(b, d.url, generate)
		d.exec(b, `DELETE FROM vouchers WHERE partner_id = $1`, vGenerate)
		d.exec(b, `DELETE FROM audit_log WHERE target_id = $1`, vGenerate)
		var lat, ceil latencies
		b.ResetTimer()
		for b.Loop() {
			t0 := time.Now()
			vs, err := gen.Generate(context.Background(), by, voucher.Generation{Quantity: voucher.MaxPerRequest})
			lat = append(lat, time.Since(t0))
			if err != nil || len(vs) != voucher.MaxPerRequest {
				b.Fatalf("generate: %d codes, %v", len(vs), err)
			}
		}
		b.StopTimer()
		for range min(len(lat), 100) {
			ceil = append(ceil, replay(b, d.pool, stmts, true))
		}
		lat.report(b, "", 50, 99)
		ceil.report(b, "ceiling-", 50)
		b.ReportMetric(float64(lat.median())/float64(ceil.median()), "x-ceiling-p50")
	})
}

// count names a row count briefly: 10k, 1M.
func count(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}
