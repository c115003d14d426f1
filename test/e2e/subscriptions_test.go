package e2e

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// subscriberOf registers a subscriber of the client and answers a client with their token.
func subscriberOf(t testing.TB, srv *harness.Server, key, email string) *client {
	t.Helper()
	_, c := subscriberWithID(t, srv, key, email)
	return c
}

// createPlan creates a plan through the admin API and answers its id.
func createPlan(t testing.TB, adm *client, changes map[string]any) string {
	t.Helper()
	r := adm.call("POST", "/admin/plans", planBody(changes))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	return r.str("id")
}

// addCard adds a payment method by its sandbox token and answers its id.
func addCard(t testing.TB, c *client, token string) string {
	t.Helper()
	r := c.call("POST", "/payment-methods", map[string]any{"payment_method_token": token})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	return r.str("id")
}

// invoiceList answers the subscriber's invoices, newest first.
func invoiceList(t *testing.T, c *client) []map[string]any {
	t.Helper()
	r := c.call("GET", "/invoices?limit=100", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	var out []map[string]any
	for _, d := range r.JSON["data"].([]any) {
		out = append(out, d.(map[string]any))
	}
	return out
}

// cents reads a JSON number of money as minor units of a two-digit currency.
func cents(t *testing.T, v any) int64 {
	t.Helper()
	f, ok := v.(float64)
	require.True(t, ok, "a number: %v", v)
	return int64(f*100 + 0.5*sign(f))
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

// requireTotalsAddUp checks an invoice's figures against each other.
func requireTotalsAddUp(t *testing.T, inv map[string]any) {
	t.Helper()
	var lines int64
	for _, l := range inv["line_items"].([]any) {
		lines += cents(t, l.(map[string]any)["amount"])
	}
	require.Equal(t, lines, cents(t, inv["subtotal"]), "the lines add up to the subtotal")
	require.Equal(t, cents(t, inv["subtotal"])-cents(t, inv["discount_amount"])+cents(t, inv["tax_amount"]), cents(t, inv["amount"]))
	require.Equal(t, cents(t, inv["amount"])-cents(t, inv["amount_paid"]), cents(t, inv["amount_due"]))
}

func TestSubscriptions(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "subs-a", nil)
	idB, keyB := onboard(t, op, "subs-b", nil)
	adm := admin(t, srv, op, idA, keyA, "admin@subs-a.test")
	admB := admin(t, srv, op, idB, keyB, "admin@subs-b.test")
	basic := createPlan(t, adm, map[string]any{"name": "Basic", "price": 9.99, "max_concurrent_streams": 1, "max_profiles": 2})
	premium := createPlan(t, adm, map[string]any{"name": "Premium", "price": 19.99})
	annual := createPlan(t, adm, map[string]any{"name": "Annual", "price": 99, "billing_cycle": "annual"})
	trial := createPlan(t, adm, map[string]any{"name": "Trial", "price": 5, "trial_days": 14})
	retired := createPlan(t, adm, map[string]any{"name": "Retired", "price": 3, "is_active": false})
	euro := createPlan(t, adm, map[string]any{"name": "Euro", "price": 8, "currency": "EUR"})
	otherPlan := createPlan(t, admB, map[string]any{"name": "B's", "price": 4})

	ada := subscriberOf(t, srv, keyA, "ada@subs-a.test")
	ada.call("GET", "/subscriptions/me", nil).flatError(t, http.StatusNotFound, "SUBSCRIPTION_NOT_FOUND")
	visa := addCard(t, ada, "pm_card_visa")

	// Bad input names the field; nothing is created.
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"plan_id": "nope", "payment_method_id": visa}, "plan_id"},
		{map[string]any{"plan_id": otherPlan, "payment_method_id": visa}, "plan_id"},
		{map[string]any{"plan_id": retired, "payment_method_id": visa}, "plan_id"},
		{map[string]any{"plan_id": basic, "payment_method_id": "0190a0a0-0000-7000-8000-000000000000"}, "payment_method_id"},
		{map[string]any{"plan_id": basic, "payment_method_id": visa, "coupon_code": "NOSUCH"}, "coupon_code"},
	} {
		r := ada.call("POST", "/subscriptions", c.body)
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, string(r.Raw))
		require.Contains(t, string(r.Raw), `"`+c.field+`"`, string(r.Raw))
	}
	ada.call("GET", "/subscriptions/me", nil).flatError(t, http.StatusNotFound, "SUBSCRIPTION_NOT_FOUND")

	// Subscribe: the first period is paid now, by the stored card.
	r := ada.call("POST", "/subscriptions", map[string]any{"plan_id": basic, "payment_method_id": visa})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	sub := r.JSON
	require.Equal(t, "active", sub["status"])
	require.Equal(t, basic, sub["plan_id"])
	require.Equal(t, 9.99, sub["plan"].(map[string]any)["price"])
	require.Equal(t, true, sub["auto_renew"])
	require.Equal(t, visa, sub["payment_method_id"])
	require.Equal(t, "4242", sub["payment_method_last4"])
	start, _ := time.Parse(time.RFC3339, sub["current_period_start"].(string))
	end, _ := time.Parse(time.RFC3339, sub["current_period_end"].(string))
	require.Equal(t, start.AddDate(0, 1, 0), end, "a monthly period")
	require.Equal(t, sub["current_period_end"], sub["next_billing_date"])
	require.Nil(t, sub["trial_end"], "no trial: the plan has none")
	me := ada.call("GET", "/subscriptions/me", nil)
	require.Equal(t, http.StatusOK, me.Status)
	require.Equal(t, sub, me.JSON, "read back as created")
	ada.call("POST", "/subscriptions", map[string]any{"plan_id": premium, "payment_method_id": visa}).
		flatError(t, http.StatusConflict, "SUBSCRIPTION_EXISTS")
	// The default card pays for it now: it cannot be removed.
	ada.call("DELETE", "/payment-methods/"+visa, nil).flatError(t, http.StatusConflict, "DEFAULT_PAYMENT_METHOD_IN_USE")

	invs := invoiceList(t, ada)
	require.Len(t, invs, 1)
	first := ada.call("GET", "/invoices/"+invs[0]["id"].(string), nil)
	require.Equal(t, http.StatusOK, first.Status, string(first.Raw))
	inv := first.JSON
	require.Regexp(t, `^INV-`+strconv.Itoa(time.Now().UTC().Year())+`-00001$`, inv["invoice_number"])
	require.Equal(t, "paid", inv["status"])
	require.Equal(t, "subscription_create", inv["billing_reason"])
	require.Equal(t, 9.99, inv["amount"])
	require.Equal(t, 9.99, inv["amount_paid"])
	require.Equal(t, 0.0, inv["amount_due"])
	require.Equal(t, "USD", inv["currency"])
	require.Equal(t, srv.Config.PublicURL+"/invoices/"+inv["id"].(string)+"/pdf", inv["pdf_url"])
	require.Len(t, inv["line_items"], 1)
	requireTotalsAddUp(t, inv)

	// The PDF behind pdf_url is a real document with the invoice's figures.
	pdf := ada.call("GET", "/invoices/"+inv["id"].(string)+"/pdf", nil)
	require.Equal(t, http.StatusOK, pdf.Status, string(pdf.Raw))
	require.Equal(t, "application/pdf", pdf.Header.Get("Content-Type"))
	require.Contains(t, pdf.Header.Get("Content-Disposition"), inv["invoice_number"].(string)+".pdf")
	text := pdfText(t, pdf.Raw)
	require.Contains(t, text, inv["invoice_number"])
	require.Contains(t, text, "9.99 USD")
	require.Contains(t, text, "Member ada@subs-a.test")

	// Preview an upgrade, then make it: the same figures.
	pv := ada.call("POST", "/subscriptions/preview", map[string]any{"plan_id": premium})
	require.Equal(t, http.StatusOK, pv.Status, string(pv.Raw))
	require.Equal(t, "immediate", pv.JSON["effective"])
	require.Equal(t, basic, pv.JSON["from_plan_id"])
	require.Equal(t, premium, pv.JSON["to_plan_id"])
	require.InDelta(t, 9.99, pv.JSON["proration_credit"], 0.011, "almost none of the period used")
	require.InDelta(t, 19.99, pv.JSON["proration_charge"], 0.011)
	require.Equal(t, cents(t, pv.JSON["proration_charge"])-cents(t, pv.JSON["proration_credit"]), cents(t, pv.JSON["amount_due_now"]))
	require.Equal(t, end.Format(time.DateOnly), pv.JSON["next_billing_date"])
	up := ada.call("PUT", "/subscriptions/me/plan", map[string]any{"plan_id": premium})
	require.Equal(t, http.StatusOK, up.Status, string(up.Raw))
	require.Equal(t, premium, up.JSON["plan_id"])
	require.Equal(t, 19.99, up.JSON["plan"].(map[string]any)["price"])
	require.Equal(t, sub["current_period_end"], up.JSON["current_period_end"], "the same period")
	invs = invoiceList(t, ada)
	require.Len(t, invs, 2)
	change := ada.call("GET", "/invoices/"+invs[0]["id"].(string), nil).JSON
	require.Equal(t, "subscription_update", change["billing_reason"])
	require.Equal(t, "paid", change["status"])
	lines := change["line_items"].([]any)
	require.Len(t, lines, 2)
	require.Equal(t, "proration_credit", lines[0].(map[string]any)["type"])
	require.Equal(t, "proration_charge", lines[1].(map[string]any)["type"])
	require.Less(t, cents(t, lines[0].(map[string]any)["amount"]), int64(0))
	requireTotalsAddUp(t, change)
	require.InDelta(t, cents(t, pv.JSON["amount_due_now"]), cents(t, change["amount"]), 1, "the preview's figure, to the cent")
	require.Regexp(t, `-00002$`, change["invoice_number"])

	// A downgrade waits for the renewal; choosing the current plan again withdraws it.
	pv = ada.call("POST", "/subscriptions/preview", map[string]any{"plan_id": basic})
	require.Equal(t, "period_end", pv.JSON["effective"])
	require.Equal(t, 0.0, pv.JSON["amount_due_now"])
	down := ada.call("PUT", "/subscriptions/me/plan", map[string]any{"plan_id": basic})
	require.Equal(t, http.StatusOK, down.Status, string(down.Raw))
	require.Equal(t, premium, down.JSON["plan_id"], "still premium until the renewal")
	require.Equal(t, basic, down.JSON["pending_plan_id"])
	require.Len(t, invoiceList(t, ada), 2, "nothing billed now")
	back := ada.call("PUT", "/subscriptions/me/plan", map[string]any{"plan_id": premium})
	require.Equal(t, http.StatusOK, back.Status, string(back.Raw))
	require.Nil(t, back.JSON["pending_plan_id"])
	ada.call("POST", "/subscriptions/preview", map[string]any{"plan_id": euro}).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")

	// Cancel at the period's end, withdraw it, then cancel now.
	c := ada.call("POST", "/subscriptions/me/cancel", map[string]any{"reason": "too expensive"})
	require.Equal(t, http.StatusOK, c.Status, string(c.Raw))
	require.Equal(t, true, c.JSON["cancel_at_period_end"])
	require.Equal(t, false, c.JSON["auto_renew"])
	require.Nil(t, c.JSON["next_billing_date"])
	require.Equal(t, "active", c.JSON["status"])
	res := ada.call("POST", "/subscriptions/me/resume", nil)
	require.Equal(t, http.StatusOK, res.Status, string(res.Raw))
	require.Equal(t, false, res.JSON["cancel_at_period_end"])
	// Pause and resume: the period's end moves later by the pause.
	p := ada.call("POST", "/subscriptions/me/pause", nil)
	require.Equal(t, http.StatusOK, p.Status, string(p.Raw))
	require.Equal(t, "paused", p.JSON["status"])
	require.NotNil(t, p.JSON["paused_at"])
	ada.call("POST", "/subscriptions/me/pause", nil).flatError(t, http.StatusConflict, "SUBSCRIPTION_PAUSED")
	ada.call("PUT", "/subscriptions/me/plan", map[string]any{"plan_id": basic}).flatError(t, http.StatusConflict, "SUBSCRIPTION_PAUSED")
	res = ada.call("POST", "/subscriptions/me/resume", nil)
	require.Equal(t, http.StatusOK, res.Status, string(res.Raw))
	require.Equal(t, "active", res.JSON["status"])
	resumedEnd, _ := time.Parse(time.RFC3339, res.JSON["current_period_end"].(string))
	require.False(t, resumedEnd.Before(end), "the paused time is given back")
	c = ada.call("POST", "/subscriptions/me/cancel", map[string]any{"immediate": true})
	require.Equal(t, http.StatusOK, c.Status, string(c.Raw))
	require.Equal(t, "canceled", c.JSON["status"])
	require.NotNil(t, c.JSON["canceled_at"])
	ada.call("POST", "/subscriptions/me/cancel", map[string]any{}).flatError(t, http.StatusNotFound, "SUBSCRIPTION_NOT_FOUND")
	require.Equal(t, "canceled", ada.call("GET", "/subscriptions/me", nil).JSON["status"], "the latest, ended")
	// Once ended, the default card may go, and a new subscription may start (without a trial: not the first).
	r = ada.call("POST", "/subscriptions", map[string]any{"plan_id": trial, "payment_method_id": visa})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, "active", r.JSON["status"], "the free trial is for an account's first subscription")

	// A token instead of a stored method is attached on the fly; a plan with a trial starts trialing, unbilled.
	bob := subscriberOf(t, srv, keyA, "bob@subs-a.test")
	r = bob.call("POST", "/subscriptions", map[string]any{"plan_id": trial, "payment_method_id": "pm_card_mastercard"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, "trialing", r.JSON["status"])
	require.Equal(t, "4444", r.JSON["payment_method_last4"])
	trialEnd, _ := time.Parse(time.RFC3339, r.JSON["trial_end"].(string))
	trialStart, _ := time.Parse(time.RFC3339, r.JSON["trial_start"].(string))
	require.Equal(t, trialStart.AddDate(0, 0, 14), trialEnd)
	require.Equal(t, r.JSON["trial_end"], r.JSON["current_period_end"])
	require.Empty(t, invoiceList(t, bob), "nothing billed during the trial")
	methods := bob.call("GET", "/payment-methods", nil)
	require.Len(t, methods.JSON["data"], 1, "the token became a stored method")
	// During a trial a change of plan is immediate and free.
	up = bob.call("PUT", "/subscriptions/me/plan", map[string]any{"plan_id": annual})
	require.Equal(t, http.StatusOK, up.Status, string(up.Raw))
	require.Equal(t, "trialing", up.JSON["status"])
	require.Equal(t, annual, up.JSON["plan_id"])
	require.Empty(t, invoiceList(t, bob))

	// A card that attaches but declines: 422 PAYMENT_DECLINED, and nothing is left behind.
	carol := subscriberOf(t, srv, keyA, "carol@subs-a.test")
	bad := addCard(t, carol, "pm_card_chargeCustomerFail")
	r = carol.call("POST", "/subscriptions", map[string]any{"plan_id": basic, "payment_method_id": bad})
	fields := r.flatError(t, http.StatusUnprocessableEntity, "PAYMENT_DECLINED")
	require.Equal(t, []string{"payment_method_id"}, fieldNames(fields))
	carol.call("GET", "/subscriptions/me", nil).flatError(t, http.StatusNotFound, "SUBSCRIPTION_NOT_FOUND")
	require.Empty(t, invoiceList(t, carol))

	// Isolation: another account's or client's invoice is 404; a subscriber cannot refund.
	dave := subscriberOf(t, srv, keyB, "dave@subs-b.test")
	adaInvoice := inv["id"].(string)
	for _, other := range []*client{bob, dave, admB} {
		other.call("GET", "/invoices/"+adaInvoice, nil).flatError(t, http.StatusNotFound, "INVOICE_NOT_FOUND")
		other.call("GET", "/invoices/"+adaInvoice+"/pdf", nil).flatError(t, http.StatusNotFound, "INVOICE_NOT_FOUND")
	}
	admB.call("POST", "/admin/invoices/"+adaInvoice+"/refunds", map[string]any{"amount": 1, "reason": "goodwill"}).
		flatError(t, http.StatusNotFound, "INVOICE_NOT_FOUND")
	bob.call("POST", "/admin/invoices/"+adaInvoice+"/refunds", map[string]any{"amount": 1, "reason": "goodwill"}).
		flatError(t, http.StatusForbidden, "FORBIDDEN")

	// Refunds: partial, never above what was paid, audit-logged with the admin.
	rf := adm.call("POST", "/admin/invoices/"+adaInvoice+"/refunds", map[string]any{"amount": 5.00, "reason": "service_issue", "notes": "outage"})
	require.Equal(t, http.StatusCreated, rf.Status, string(rf.Raw))
	require.Equal(t, 5.0, rf.JSON["amount"])
	require.Equal(t, "succeeded", rf.JSON["status"])
	require.Equal(t, "USD", rf.JSON["currency"])
	require.NotNil(t, rf.JSON["provider_refund_id"])
	require.NotEmpty(t, rf.JSON["actor_id"])
	over := adm.call("POST", "/admin/invoices/"+adaInvoice+"/refunds", map[string]any{"amount": 5.00, "reason": "goodwill"})
	f := over.flatError(t, http.StatusUnprocessableEntity, "REFUND_EXCEEDS_PAID")
	require.Equal(t, []string{"amount"}, fieldNames(f))
	require.Contains(t, string(over.Raw), "4.99 USD")
	rf2 := adm.call("POST", "/admin/invoices/"+adaInvoice+"/refunds", map[string]any{"amount": 4.99, "reason": "goodwill"})
	require.Equal(t, http.StatusCreated, rf2.Status, string(rf2.Raw))
	list := adm.call("GET", "/admin/invoices/"+adaInvoice+"/refunds", nil)
	require.Equal(t, http.StatusOK, list.Status)
	require.Len(t, list.JSON["data"], 2)
	require.Equal(t, 9.99, ada.call("GET", "/invoices/"+adaInvoice, nil).JSON["amount_refunded"])
	log := adm.call("GET", "/admin/audit-log?action=invoice.refunded", nil)
	require.Equal(t, http.StatusOK, log.Status, string(log.Raw))
	require.Contains(t, string(log.Raw), rf.JSON["id"].(string))

	// The console's view: every invoice of the client (also per account), any one with its PDF,
	// and an account's subscription; never another client's, never for subscribers.
	adaID := ada.call("GET", "/users/me", nil).str("id")
	erin := subscriberOf(t, srv, keyA, "erin@subs-a.test")
	r = erin.call("POST", "/subscriptions", map[string]any{"plan_id": basic, "payment_method_id": addCard(t, erin, "pm_card_visa")})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	all := adm.call("GET", "/admin/invoices?limit=100", nil)
	require.Equal(t, http.StatusOK, all.Status, string(all.Raw))
	owners := map[string]bool{}
	for _, x := range all.JSON["data"].([]any) {
		owners[x.(map[string]any)["user_id"].(string)] = true
	}
	require.True(t, owners[adaID])
	require.Len(t, owners, 2, "every account's invoices")
	mine := adm.call("GET", "/admin/invoices?user_id="+adaID, nil)
	var adas []string
	for _, x := range invoiceList(t, ada) {
		adas = append(adas, x["id"].(string))
	}
	require.Equal(t, adas, dataIDs(mine), "one account's, newest first, as the account sees them")
	one := adm.call("GET", "/admin/invoices?user_id="+adaID+"&limit=1", nil)
	require.Len(t, one.JSON["data"], 1)
	if meta := one.JSON["meta"].(map[string]any); meta["has_more"] == true {
		next := adm.call("GET", "/admin/invoices?user_id="+adaID+"&limit=1&cursor="+meta["next_cursor"].(string), nil)
		require.Equal(t, dataIDs(mine)[1], dataIDs(next)[0], "the cursor goes on where the page ended")
	}
	require.Equal(t, "paid", adm.call("GET", "/admin/invoices?status=paid&limit=100", nil).JSON["data"].([]any)[0].(map[string]any)["status"])
	g := adm.call("GET", "/admin/invoices/"+adaInvoice, nil)
	require.Equal(t, http.StatusOK, g.Status, string(g.Raw))
	require.Equal(t, adaID, g.JSON["user_id"])
	require.NotEmpty(t, g.JSON["line_items"])
	require.True(t, strings.HasSuffix(g.str("pdf_url"), "/admin/invoices/"+adaInvoice+"/pdf"))
	doc := adm.call("GET", "/admin/invoices/"+adaInvoice+"/pdf", nil)
	require.Equal(t, http.StatusOK, doc.Status)
	require.Contains(t, pdfText(t, doc.Raw), g.str("invoice_number"))
	adm.call("GET", "/admin/invoices?user_id=nope", nil).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	s := adm.call("GET", "/admin/users/"+adaID+"/subscription", nil)
	require.Equal(t, http.StatusOK, s.Status, string(s.Raw))
	require.Equal(t, ada.call("GET", "/subscriptions/me", nil).JSON, s.JSON, "the account's own view")
	adm.call("GET", "/admin/users/"+carol.call("GET", "/users/me", nil).str("id")+"/subscription", nil).
		flatError(t, http.StatusNotFound, "SUBSCRIPTION_NOT_FOUND")
	require.Empty(t, admB.call("GET", "/admin/invoices?user_id="+adaID, nil).JSON["data"], "another client's admin sees none")
	for _, x := range admB.call("GET", "/admin/invoices?limit=100", nil).JSON["data"].([]any) {
		require.False(t, owners[x.(map[string]any)["user_id"].(string)], "nor among its own")
	}
	admB.call("GET", "/admin/invoices/"+adaInvoice, nil).flatError(t, http.StatusNotFound, "INVOICE_NOT_FOUND")
	admB.call("GET", "/admin/invoices/"+adaInvoice+"/pdf", nil).flatError(t, http.StatusNotFound, "INVOICE_NOT_FOUND")
	admB.call("GET", "/admin/users/"+adaID+"/subscription", nil).flatError(t, http.StatusNotFound, "SUBSCRIPTION_NOT_FOUND")
	for _, path := range []string{"/admin/invoices", "/admin/invoices/" + adaInvoice, "/admin/users/" + adaID + "/subscription"} {
		ada.call("GET", path, nil).flatError(t, http.StatusForbidden, "FORBIDDEN")
	}
}

// fieldNames lists the fields of a flat error's details.
func fieldNames(details []any) []string { return fields(details) }

// pdfText extracts a PDF's text with pdftotext (poppler-utils).
func pdfText(t *testing.T, doc []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is missing: install poppler-utils (apt-get install -y poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	require.NoError(t, os.WriteFile(path, doc, 0o600))
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	require.NoError(t, err)
	return string(out)
}

// TestSubscriptionIdempotencyRace sends one Idempotency-Key with 16 concurrent requests: exactly one
// subscription, one invoice and one charge come of them, and every answer that is not "in progress"
// is the first one.
func TestSubscriptionIdempotencyRace(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "subs-race", nil)
	adm := admin(t, srv, op, idA, keyA, "admin@subs-race.test")
	basic := createPlan(t, adm, map[string]any{"name": "Basic", "price": 7.5})
	ada := subscriberOf(t, srv, keyA, "ada@subs-race.test")
	visa := addCard(t, ada, "pm_card_visa")

	const n = 16
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		statuses  = map[int]int{}
		createdID = map[string]bool{}
	)
	body := map[string]any{"plan_id": basic, "payment_method_id": visa}
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := ada.call("POST", "/subscriptions", body, "Idempotency-Key", "race-key-1")
			mu.Lock()
			defer mu.Unlock()
			statuses[r.Status]++
			if r.Status == http.StatusCreated {
				createdID[r.str("id")] = true
			}
		}()
	}
	wg.Wait()
	require.Equal(t, n, statuses[http.StatusCreated]+statuses[http.StatusConflict], "created or in progress: %v", statuses)
	require.GreaterOrEqual(t, statuses[http.StatusCreated], 1)
	require.Len(t, createdID, 1, "every created answer is the same subscription")
	// After the race, the key replays the first answer.
	r := ada.call("POST", "/subscriptions", body, "Idempotency-Key", "race-key-1")
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.True(t, createdID[r.str("id")])
	require.Len(t, invoiceList(t, ada), 1, "one invoice")

	ctx := context.Background()
	owner, err := pgx.Connect(ctx, srv.Config.DatabaseURL) // the owner role, past row-level security
	require.NoError(t, err)
	defer owner.Close(ctx)
	var subs, charges int
	require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM subscriptions WHERE tenant_id = $1`, idA).Scan(&subs))
	require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM sandbox_gateway_charges WHERE tenant_id = $1`, idA).Scan(&charges))
	require.Equal(t, 1, subs, "one subscription")
	require.Equal(t, 1, charges, "one charge at the gateway")
}

// TestPlanLimitsProfiles: while a subscription gives its plan's benefits, the plan's max_profiles
// bounds the account's profiles (the primary one included); without one, STVOS_MAX_PROFILES does.
func TestPlanLimitsProfiles(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t, map[string]string{"STVOS_MAX_PROFILES": "3"})
	op := operator(t, srv)
	id, key := onboard(t, op, "subs-profiles", nil)
	adm := admin(t, srv, op, id, key, "admin@subs-profiles.test")
	duo := createPlan(t, adm, map[string]any{"name": "Duo", "price": 6, "max_profiles": 2})
	ada := subscriberOf(t, srv, key, "ada@subs-profiles.test")
	require.Equal(t, http.StatusOK, ada.call("GET", "/profiles", nil).Status, "the primary profile exists")
	r := ada.call("POST", "/subscriptions", map[string]any{"plan_id": duo, "payment_method_id": "pm_card_visa"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, http.StatusCreated, ada.call("POST", "/profiles", map[string]any{"name": "Kid"}).Status)
	ada.call("POST", "/profiles", map[string]any{"name": "Third"}).flatError(t, http.StatusConflict, "PROFILE_LIMIT_REACHED")
	// Ended, the client's default (3) applies again.
	require.Equal(t, http.StatusOK, ada.call("POST", "/subscriptions/me/cancel", map[string]any{"immediate": true}).Status)
	require.Equal(t, http.StatusCreated, ada.call("POST", "/profiles", map[string]any{"name": "Third"}).Status)
	ada.call("POST", "/profiles", map[string]any{"name": "Fourth"}).flatError(t, http.StatusConflict, "PROFILE_LIMIT_REACHED")
}
