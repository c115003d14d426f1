package e2e

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/test/harness"
)

// BenchmarkRenewals measures renewals end to end through the job queue: 10,000 active monthly
// subscriptions (of 10,000 accounts, each with a card) come due at once; the periodic billing
// sweep enqueues one subscription.advance job each, and River's workers renew them: a new period,
// a numbered invoice with its line, the charge at the sandbox gateway (its state in PostgreSQL),
// the receipt email and notification. The figure is renewals per second, from the moment they are
// due until the last is renewed.
//
// Its ceiling, measured in the same run on the same server: "idle" makes 10,000 subscriptions due
// with nothing to do (their period runs another month), so the same sweep, queue and job run,
// lock and read the subscription and save its new schedule, and bill nothing. renew/idle is the
// share of the job pipeline's own rate that renewals keep.
//
// Run: go test ./test/e2e -run '^$' -bench Renewals -benchtime 1x -timeout 30m
// (STVOS_BENCH_METRICS_ADDR=127.0.0.1:6061 serves /debug/pprof/ of the server meanwhile;
// STVOS_BENCH_RENEWALS=500 makes fewer subscriptions due, for a quick look).
func BenchmarkRenewals(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("STVOS_BENCH_RENEWALS")); err == nil && v > 0 {
		n = v // a quick look; the figure is for 10,000
	}
	srv := harness.StartServer(b, map[string]string{"STVOS_BILLING_SWEEP": "100ms", "STVOS_LOG_LEVEL": "warn", "STVOS_METRICS_ADDR": os.Getenv("STVOS_BENCH_METRICS_ADDR")})
	op := operator(b, srv)
	id, key := onboard(b, op, "renewals", nil)
	adm := admin(b, srv, op, id, key, "admin@renewals.test")
	planID := createPlan(b, adm, map[string]any{"name": "Monthly", "price": 9.99})
	seed := subscriberOf(b, srv, key, "seed@renewals.test")
	card := addCard(b, seed, "pm_card_visa")
	if r := seed.call("POST", "/subscriptions", map[string]any{"plan_id": planID, "payment_method_id": card}); r.Status != http.StatusCreated {
		b.Fatalf("subscribe: %d %s", r.Status, r.Raw)
	}
	ctx := context.Background()
	owner, err := pgx.Connect(ctx, srv.Config.DatabaseURL) // the owner role, past row-level security
	if err != nil {
		b.Fatal(err)
	}
	defer owner.Close(ctx)
	rates := map[string]float64{}
	round := 0
	for _, mode := range []string{"idle", "renew"} {
		b.Run(mode, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				round++
				// n accounts like the seed's, each with a copy of its card (the same gateway customer
				// and method) and a subscription due a second ago: its period ended then (renew), or
				// runs another month (idle).
				periodEnd := "now() - interval '1 second'"
				if mode == "idle" {
					periodEnd = "now() + interval '1 month'"
				}
				_, err := owner.Exec(ctx, `
					WITH u AS (
						INSERT INTO users (tenant_id, id, email, password_hash, display_name, status, roles, created_at, updated_at)
						SELECT $1, gen_random_uuid(), 'bench-' || $3::int || '-' || g || '@renewals.test', 'x', 'Bench ' || g, 'active',
							ARRAY['subscriber'], now(), now() FROM generate_series(1, $2::int) g RETURNING id),
					m AS (
						INSERT INTO payment_methods (tenant_id, id, user_id, gateway, customer_id, gateway_method_id, type, brand, last4,
							exp_month, exp_year, is_default, created_at, updated_at)
						SELECT $1, gen_random_uuid(), u.id, s.gateway, s.customer_id, s.gateway_method_id, s.type, s.brand, s.last4,
							s.exp_month, s.exp_year, true, now(), now()
						FROM u, (SELECT * FROM payment_methods WHERE tenant_id = $1 AND id = $4) s RETURNING id, user_id)
					INSERT INTO subscriptions (tenant_id, id, user_id, plan_id, status, price_minor, price_digits, currency, billing_cycle,
						max_profiles, max_concurrent_streams, anchor, period_number, current_period_start, current_period_end, paid_minor,
						payment_method_id, due_at, created_at, updated_at)
					SELECT $1, gen_random_uuid(), m.user_id, $5, 'active', 999, 2, 'USD', 'monthly', 4, 4,
						now() - interval '1 month 1 second', 1, now() - interval '1 month 1 second', `+periodEnd+`, 999,
						m.id, now() - interval '1 second', now(), now()
					FROM m`, id, n, round, card, planID)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				for {
					// Done: renewed into period 2, or (idle) rescheduled to the period's end.
					var done int
					if err := owner.QueryRow(ctx, `SELECT count(*) FROM subscriptions s
						JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
						WHERE s.tenant_id = $1 AND u.email LIKE 'bench-' || $2::int || '-%' AND s.status = 'active'
							AND (s.period_number = 2 OR s.due_at > now())`, id, round).Scan(&done); err != nil {
						b.Fatal(err)
					}
					if done == n {
						break
					}
					if time.Since(start) > 10*time.Minute {
						b.Fatalf("only %d of %d advanced in 10 minutes", done, n)
					}
					time.Sleep(50 * time.Millisecond)
				}
				rate := float64(n) / time.Since(start).Seconds()
				rates[mode] = rate
				b.ReportMetric(rate, "advances/s")
			}
		})
	}
	if rates["idle"] > 0 {
		b.Logf("renewals %.0f/s, idle advances (the ceiling) %.0f/s: renew/idle = %.2f", rates["renew"], rates["idle"], rates["renew"]/rates["idle"])
	}
	var charges, invoices, renewals int
	_ = owner.QueryRow(ctx, `SELECT count(*) FROM sandbox_gateway_charges WHERE tenant_id = $1`, id).Scan(&charges)
	_ = owner.QueryRow(ctx, `SELECT count(*) FROM invoices WHERE tenant_id = $1 AND billing_reason = 'subscription_cycle'`, id).Scan(&invoices)
	_ = owner.QueryRow(ctx, `SELECT count(*) FROM subscriptions WHERE tenant_id = $1 AND period_number = 2`, id).Scan(&renewals)
	if invoices != renewals || charges != renewals+1 {
		b.Fatalf("%d renewal invoices and %d charges for %d renewals: every renewal billed and charged once (idle ones never)",
			invoices, charges, renewals)
	}
}
