package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// TestSubscriptionLife drives one subscription through its whole life on a clock the test moves:
// a trial, its renewal into a paid period, a declined renewal, the dunning retries 1, 3 and 5 days
// later (each failure emailed), and the cancellation when they run out, which stops the account's
// streams. The billing sweep runs every 200 ms of real time; the clock is what makes days pass.
func TestSubscriptionLife(t *testing.T) {
	t.Parallel()
	clock := &aheadClock{}
	srv := harness.StartServerWith(t, harness.NewBackends(t), withClock(clock), map[string]string{"STVOS_BILLING_SWEEP": "200ms"})
	t.Cleanup(func() {
		if t.Failed() {
			logs := srv.Logs()
			if len(logs) > 6000 {
				logs = logs[len(logs)-6000:]
			}
			t.Log(logs)
		}
	})
	op := operator(t, srv)
	id, key := onboard(t, op, "life", nil)
	adm := admin(t, srv, op, id, key, "admin@life.test")
	planID := createPlan(t, adm, map[string]any{"name": "Family", "price": 12.5, "trial_days": 7, "max_concurrent_streams": 2})
	classes := catalogOf(t, adm, map[string]map[string]any{"Core Blast": {"category": "Core", "duration_seconds": 600}})
	const email = "ada@life.test"
	member(t, newClient(t, srv.URL).with("X-API-Key", key), email)
	// Access tokens live minutes: after each jump of the clock, sign in again.
	login := func() *client {
		r := newClient(t, srv.URL).with("X-API-Key", key).call("POST", "/auth/login", map[string]string{"email": email, "password": demoPassword})
		require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
		return newClient(t, srv.URL).with("X-API-Key", key).with("Authorization", "Bearer "+r.JSON["data"].(map[string]any)["accessToken"].(string))
	}
	ada := login()
	addCard(t, ada, "pm_card_visa")
	r := ada.call("POST", "/subscriptions", map[string]any{"plan_id": planID, "payment_method_id": "pm_card_visa"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, "trialing", r.JSON["status"])
	trialEnd, _ := time.Parse(time.RFC3339, r.JSON["trial_end"].(string))

	// waitFor polls the subscription until cond holds (the sweep and its jobs run in the background).
	waitFor := func(what string, cond func(sub map[string]any) bool) map[string]any {
		t.Helper()
		var last map[string]any
		require.Eventually(t, func() bool {
			got := login().call("GET", "/subscriptions/me", nil)
			if got.Status != http.StatusOK {
				return false
			}
			last = got.JSON
			return cond(last)
		}, 30*time.Second, 100*time.Millisecond, what)
		return last
	}

	ctx := context.Background()
	owner, err := pgx.Connect(ctx, srv.Config.DatabaseURL) // the owner role, past row-level security
	require.NoError(t, err)
	defer owner.Close(ctx)
	// emails counts the messages to the subscriber whose subject matches (the outbox keeps them).
	emails := func(subject string) int {
		var n int
		require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM email_outbox WHERE tenant_id = $1 AND $2 = ANY (recipients)
			AND subject LIKE $3`, id, email, subject).Scan(&n))
		return n
	}

	// Three days before the trial ends, the subscriber is told, once.
	clock.advance(5 * 24 * time.Hour)
	require.Eventually(t, func() bool { return emails("%trial ends on "+trialEnd.Format(time.DateOnly)+"%") == 1 }, 30*time.Second,
		100*time.Millisecond, "the trial's notice")

	// The trial ends: the first paid period starts at its end, invoiced and paid.
	clock.advance(2*24*time.Hour + time.Hour)
	sub := waitFor("renewed after the trial", func(s map[string]any) bool { return s["status"] == "active" })
	start, _ := time.Parse(time.RFC3339, sub["current_period_start"].(string))
	require.True(t, start.Equal(trialEnd), "the first period starts when the trial ends")
	periodEnd, _ := time.Parse(time.RFC3339, sub["current_period_end"].(string))
	require.True(t, periodEnd.Equal(trialEnd.AddDate(0, 1, 0)), "a monthly period: %v", periodEnd)
	ada = login()
	invs := invoiceList(t, ada)
	require.Len(t, invs, 1)
	require.Equal(t, "paid", invs[0]["status"])
	require.Equal(t, "subscription_cycle", invs[0]["billing_reason"])
	require.Equal(t, 12.5, invs[0]["amount"])

	// The subscriber watches on two devices, the plan's limit; a third is refused.
	play := func() response {
		return ada.call("POST", "/playback/sessions", map[string]any{"classId": classes["Core Blast"], "deviceName": "TV"})
	}
	s1 := data(t, play(), http.StatusCreated)["session"].(map[string]any)
	require.Equal(t, 2.0, s1["maxConcurrentStreams"], "the plan's limit")
	data(t, play(), http.StatusCreated)
	play().envelopedError(t, http.StatusConflict, "STREAM_LIMIT_REACHED")

	// The card starts failing: the renewal is declined, the subscription is past due and the
	// subscriber is told; they keep watching meanwhile.
	fail := addCard(t, ada, "pm_card_chargeDeclinedInsufficientFunds")
	require.Equal(t, http.StatusOK, ada.call("POST", "/payment-methods/"+fail+"/default", nil).Status)
	advanceTo := func(at time.Time) { clock.advance(at.Sub(clock.Now())) }
	advanceTo(periodEnd.Add(time.Minute))
	sub = waitFor("past due after the declined renewal", func(s map[string]any) bool { return s["status"] == "past_due" })
	next, _ := time.Parse(time.RFC3339, sub["next_billing_date"].(string))
	require.True(t, next.Equal(periodEnd.Add(24*time.Hour)), "the first retry a day after the renewal: %v", next)
	ada = login()
	invs = invoiceList(t, ada)
	require.Len(t, invs, 2)
	require.Equal(t, "open", invs[0]["status"])
	require.Equal(t, 12.5, invs[0]["amount_due"])
	require.Equal(t, 1.0, invs[0]["attempt_count"])
	hb := ada.call("POST", "/playback/sessions/"+s1["id"].(string)+"/heartbeat", map[string]any{"positionSeconds": 30})
	require.Equal(t, http.StatusOK, hb.Status, "still watching while past due: %s", hb.Raw)

	// Retries on days 1 and 3 fail too; the one on day 5 is the last, and then it ends.
	for _, day := range []int{1, 3} {
		advanceTo(periodEnd.Add(time.Duration(day)*24*time.Hour + time.Minute))
		attempts := float64(day/2 + 2)
		waitFor("retry on day "+string(rune('0'+day)), func(map[string]any) bool {
			i := invoiceList(t, login())
			return len(i) == 2 && i[0]["attempt_count"] == attempts
		})
	}
	advanceTo(periodEnd.Add(5*24*time.Hour + time.Minute))
	sub = waitFor("canceled when the retries ran out", func(s map[string]any) bool { return s["status"] == "canceled" })
	require.NotNil(t, sub["canceled_at"])
	require.Nil(t, sub["next_billing_date"])
	ada = login()
	invs = invoiceList(t, ada)
	require.Equal(t, "uncollectible", invs[0]["status"])
	require.Equal(t, 4.0, invs[0]["attempt_count"], "the renewal and three retries")

	// The account's streams stopped.
	ada.call("POST", "/playback/sessions/"+s1["id"].(string)+"/heartbeat", map[string]any{"positionSeconds": 60}).
		envelopedError(t, http.StatusConflict, "PLAYBACK_EXPIRED")

	// Each failure was emailed, once: three saying when the next try is, the last that it ended;
	// the paid renewal was confirmed, and the trial's notice sent once.
	require.Eventually(t, func() bool {
		return emails("%payment%failed%") == 3 && emails("%subscription has ended%") == 1
	}, 30*time.Second, 100*time.Millisecond, "one payment_failed email per failed attempt")
	require.Equal(t, 1, emails("%subscription was renewed%"))
	require.Equal(t, 1, emails("%trial ends%"))

	// The same events are in the app's notifications, newest first; the trial's notice expired
	// (30 days after it was made, and the clock is 40 days on).
	notes := login().call("GET", "/notifications", nil)
	require.Equal(t, http.StatusOK, notes.Status, string(notes.Raw))
	var types []string
	for _, n := range notes.JSON["data"].([]any) {
		types = append(types, n.(map[string]any)["type"].(string))
	}
	require.Equal(t, []string{"payment_failed", "payment_failed", "payment_failed", "payment_failed", "subscription_renewed"}, types)
	first := notes.JSON["data"].([]any)[0].(map[string]any)
	require.Equal(t, "Your subscription has ended", first["title"])
	require.Equal(t, "high", first["priority"])
	require.Equal(t, 5.0, notes.JSON["unread_count"])
}
