package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// download fetches a download_url on the test server (its host is the server's public URL)
// without any credential, as a browser following the emailed link would.
func download(t *testing.T, srv *harness.Server, link string) response {
	t.Helper()
	u, err := url.Parse(link)
	require.NoError(t, err)
	return newClient(t, srv.URL).call("GET", u.RequestURI(), nil)
}

// relink sets one query parameter of a link.
func relink(t *testing.T, link, key, value string) string {
	t.Helper()
	u, err := url.Parse(link)
	require.NoError(t, err)
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// tamper changes one character of the link's signature.
func tamper(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	require.NoError(t, err)
	sig := []byte(u.Query().Get("signature"))
	if sig[0] == 'A' {
		sig[0] = 'B'
	} else {
		sig[0] = 'A'
	}
	return relink(t, link, "signature", string(sig))
}

// unzipped reads an archive's files.
func unzipped(t *testing.T, raw []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	require.NoError(t, err)
	files := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		files[f.Name] = string(b)
	}
	return files
}

// TestPrivacy drives data exports and account deletion over HTTP, in the specification's bodies,
// on a clock the test moves: an export queued, built by its job and downloaded through its signed
// link (no bearer token), one pending at a time, tampered and expired links refused, another
// account's link never opening this one's archive; a deletion refused with a wrong password,
// scheduled with the right one (the subscription canceled, other devices signed out), canceled,
// asked again through DELETE /users/me, and carried out 30 days later: the account is gone, its
// card detached at the gateway, its files and email deleted, its invoice kept for the client with
// the customer anonymised.
func TestPrivacy(t *testing.T) {
	t.Parallel()
	clock := &aheadClock{}
	srv := harness.StartServerWith(t, harness.NewBackends(t), withClock(clock), map[string]string{"STVOS_BILLING_SWEEP": "200ms"})
	t.Cleanup(func() {
		if t.Failed() {
			logs := srv.Logs()
			if len(logs) > 8000 {
				logs = logs[len(logs)-8000:]
			}
			t.Log(logs)
		}
	})
	ctx := context.Background()
	owner, err := pgx.Connect(ctx, srv.Config.DatabaseURL) // the owner role, past row-level security
	require.NoError(t, err)
	defer owner.Close(ctx)

	op := operator(t, srv)
	tenantID, key := onboard(t, op, "privacy", nil)
	adm := admin(t, srv, op, tenantID, key, "admin@privacy.test")
	planID := createPlan(t, adm, map[string]any{"name": "Basic", "price": 9.99})
	app := newClient(t, srv.URL).with("X-API-Key", key)
	const adaEmail, bobEmail = "ada@privacy.test", "bob@privacy.test"
	adaID := member(t, app, adaEmail)["user"].(map[string]any)["id"].(string)
	member(t, app, bobEmail)
	// Access tokens live minutes: after each jump of the clock, sign in again.
	login := func(email string) *client {
		t.Helper()
		r := app.call("POST", "/auth/login", map[string]string{"email": email, "password": demoPassword})
		require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
		return newClient(t, srv.URL).with("Authorization", "Bearer "+r.JSON["data"].(map[string]any)["accessToken"].(string))
	}
	ada, bob := login(adaEmail), login(bobEmail)
	addCard(t, ada, "pm_card_visa")
	r := ada.call("POST", "/subscriptions", map[string]any{"plan_id": planID, "payment_method_id": "pm_card_visa"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	invs := invoiceList(t, ada)
	require.Len(t, invs, 1)
	number := invs[0]["invoice_number"].(string)

	// --- Data export -------------------------------------------------------------------------

	ada.call("GET", "/privacy/export", nil).flatError(t, http.StatusNotFound, "EXPORT_NOT_FOUND")
	// One pending export at a time. The test holds the export's row while it is still pending
	// or processing, so its job waits and a second request meets it live (should the job win the
	// race and finish first, the test asks again).
	var export map[string]any
	for attempt := 0; ; attempt++ {
		require.Less(t, attempt, 5, "the export job always finished before the test could hold it")
		r = ada.call("POST", "/privacy/export", nil)
		require.Equal(t, http.StatusAccepted, r.Status, string(r.Raw))
		export = r.JSON
		require.Equal(t, "pending", export["status"])
		require.Nil(t, export["download_url"])
		require.Nil(t, export["expires_at"])
		tx, err := owner.Begin(ctx)
		require.NoError(t, err)
		var held int
		require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM privacy_exports WHERE id = $1
			AND status IN ('pending', 'processing') FOR UPDATE) x`, export["id"]).Scan(&held))
		if held == 1 {
			ada.call("POST", "/privacy/export", nil).flatError(t, http.StatusConflict, "EXPORT_IN_PROGRESS")
			got := ada.call("GET", "/privacy/export", nil)
			require.Equal(t, export["id"], got.JSON["id"], "GET shows the one in progress")
			require.Contains(t, []any{"pending", "processing"}, got.JSON["status"])
			require.NoError(t, tx.Rollback(ctx))
			break
		}
		require.NoError(t, tx.Rollback(ctx))
	}
	// Built by its job: ready, with a signed link valid 24 hours.
	var ready map[string]any
	require.Eventually(t, func() bool {
		got := ada.call("GET", "/privacy/export", nil)
		ready = got.JSON
		return got.Status == http.StatusOK && ready["status"] == "ready"
	}, 30*time.Second, 100*time.Millisecond, "the export becomes ready")
	require.Equal(t, export["id"], ready["id"])
	link, _ := ready["download_url"].(string)
	require.True(t, strings.HasPrefix(link, "http://stvos.test/privacy/exports/"+tenantID+"/"+export["id"].(string)+"/archive?"), link)
	expires, err := time.Parse(time.RFC3339, ready["expires_at"].(string))
	require.NoError(t, err)
	require.WithinDuration(t, clock.Now().Add(24*time.Hour), expires, time.Minute)
	require.Equal(t, link, ada.call("GET", "/privacy/export", nil).JSON["download_url"], "the same link on every poll")

	// The link needs no token; the archive holds the account and its invoice.
	got := download(t, srv, link)
	require.Equal(t, http.StatusOK, got.Status, string(got.Raw))
	require.Equal(t, "application/zip", got.Header.Get("Content-Type"))
	require.Contains(t, got.Header.Get("Content-Disposition"), "attachment")
	files := unzipped(t, got.Raw)
	for _, name := range []string{"manifest.json", "account.json", "subscriptions.json", "invoices.json", "payment_methods.json",
		"balance_entries.json", "viewing_history.json", "sessions.json", "audit_log.json", "coupon_redemptions.json", "gift_cards.json",
		"partner_membership.json", "privacy_requests.json"} {
		require.Contains(t, files, name)
	}
	require.Contains(t, files["account.json"], adaEmail)
	require.Contains(t, files["invoices.json"], number)
	require.Contains(t, files["payment_methods.json"], "4242")
	require.Contains(t, files["subscriptions.json"], "Basic")
	for name, content := range files {
		require.NotContains(t, content, bobEmail, name)
		require.NotContains(t, content, "password_hash", name)
		require.NotContains(t, content, "argon2", name)
	}
	// The link was emailed.
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM email_outbox WHERE tenant_id = $1 AND $2 = ANY (recipients)
			AND subject LIKE '%data export is ready%' AND strpos(text_body, $3) > 0`, tenantID, adaEmail, link).Scan(&n))
		return n == 1
	}, 30*time.Second, 100*time.Millisecond, "one export_ready email with the link")
	// And told in the app, with the link.
	note := notificationOf(t, ada, "export_ready")
	require.Equal(t, "Your data export is ready", note["title"])
	require.Equal(t, link, note["action_url"])

	// Altered links are refused, and bad input names the field.
	download(t, srv, tamper(t, link)).flatError(t, http.StatusForbidden, "INVALID_SIGNATURE")
	download(t, srv, relink(t, link, "expires", "4102444800")).flatError(t, http.StatusForbidden, "INVALID_SIGNATURE")
	require.Contains(t, fields(download(t, srv, relink(t, link, "signature", "")).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")), "query.signature")
	require.Contains(t, fields(download(t, srv, relink(t, link, "expires", "soon")).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")), "query.expires")

	// Another account: its own export is its own, and its link opens nothing of Ada's.
	bob.call("GET", "/privacy/export", nil).flatError(t, http.StatusNotFound, "EXPORT_NOT_FOUND")
	r = bob.call("POST", "/privacy/export", nil)
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Raw))
	var bobLink string
	require.Eventually(t, func() bool {
		got := bob.call("GET", "/privacy/export", nil)
		bobLink, _ = got.JSON["download_url"].(string)
		return bobLink != ""
	}, 30*time.Second, 100*time.Millisecond)
	bobExportID := r.JSON["id"].(string)
	require.NotEqual(t, export["id"], bobExportID)
	swapped := strings.Replace(bobLink, "/"+bobExportID+"/", "/"+export["id"].(string)+"/", 1)
	download(t, srv, swapped).flatError(t, http.StatusForbidden, "INVALID_SIGNATURE")
	bobZip := download(t, srv, bobLink)
	require.Equal(t, http.StatusOK, bobZip.Status)
	for name, content := range unzipped(t, bobZip.Raw) {
		require.NotContains(t, content, adaEmail, name)
		require.NotContains(t, content, number, name)
	}
	// A delegated or missing token cannot ask for an export.
	newClient(t, srv.URL).call("POST", "/privacy/export", nil).flatError(t, http.StatusUnauthorized, "UNAUTHORIZED")

	// A day later the link has expired: 410, and GET shows the export expired.
	clock.advance(25 * time.Hour)
	download(t, srv, link).flatError(t, http.StatusGone, "LINK_EXPIRED")
	download(t, srv, tamper(t, link)).flatError(t, http.StatusForbidden, "INVALID_SIGNATURE")
	ada = login(adaEmail)
	got = ada.call("GET", "/privacy/export", nil)
	require.Equal(t, "expired", got.JSON["status"])
	require.Nil(t, got.JSON["download_url"])

	// --- Account deletion --------------------------------------------------------------------

	other := login(adaEmail) // another device
	deletion := map[string]any{"password": demoPassword, "reason": "Moving to another service"}
	for _, c := range []struct {
		body  any
		field string
	}{
		{map[string]any{}, "password"},
		{map[string]any{"password": ""}, "password"},
		{map[string]any{"password": demoPassword, "reason": strings.Repeat("x", 501)}, "reason"},
	} {
		r := ada.call("POST", "/privacy/deletion-request", c.body)
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, string(r.Raw))
		require.Contains(t, fields(r.flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")), c.field)
	}
	d := ada.call("POST", "/privacy/deletion-request", map[string]any{"password": "not the password"}).
		flatError(t, http.StatusForbidden, "INVALID_PASSWORD")
	require.Equal(t, []string{"password"}, fields(d))
	sub := ada.call("GET", "/subscriptions/me", nil)
	require.Equal(t, "active", sub.JSON["status"], "a refused request changes nothing")

	r = ada.call("POST", "/privacy/deletion-request", deletion)
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Raw))
	require.Equal(t, "pending", r.JSON["status"])
	require.NotEmpty(t, r.JSON["id"])
	scheduled, err := time.Parse(time.RFC3339, r.JSON["scheduled_deletion_at"].(string))
	require.NoError(t, err)
	requested, err := time.Parse(time.RFC3339, r.JSON["requested_at"].(string))
	require.NoError(t, err)
	require.WithinDuration(t, clock.Now(), requested, time.Minute)
	require.Equal(t, requested.Add(30*24*time.Hour), scheduled)
	sub = ada.call("GET", "/subscriptions/me", nil)
	require.Equal(t, "canceled", sub.JSON["status"], "canceled at once")
	require.NotNil(t, sub.JSON["canceled_at"])
	var endedBy string
	require.NoError(t, owner.QueryRow(ctx, `SELECT ended_by FROM subscriptions WHERE tenant_id = $1 AND id = $2`, tenantID,
		sub.JSON["id"]).Scan(&endedBy))
	require.Equal(t, "deletion", endedBy)
	other.call("GET", "/users/me", nil).flatError(t, http.StatusUnauthorized, "SESSION_REVOKED")
	require.Equal(t, http.StatusOK, ada.call("GET", "/users/me", nil).Status, "this device stays signed in, to cancel")
	ada.call("POST", "/privacy/deletion-request", deletion).flatError(t, http.StatusConflict, "DELETION_ALREADY_REQUESTED")
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM email_outbox WHERE tenant_id = $1 AND $2 = ANY (recipients)
			AND subject LIKE '%will be deleted%' AND strpos(text_body, $3) > 0`, tenantID, adaEmail, scheduled.Format("2006-01-02")).Scan(&n))
		return n == 1
	}, 30*time.Second, 100*time.Millisecond, "one deletion_scheduled email with the date")
	note = notificationOf(t, ada, "account_deletion_scheduled")
	require.Equal(t, "Your account will be deleted on "+scheduled.Format("2006-01-02"), note["title"])
	require.Equal(t, "high", note["priority"])

	// Canceled in the grace period; a second cancel finds nothing pending.
	r = ada.call("DELETE", "/users/me/deletion-request", nil)
	require.Equal(t, http.StatusNoContent, r.Status, string(r.Raw))
	ada.call("DELETE", "/users/me/deletion-request", nil).flatError(t, http.StatusNotFound, "DELETION_REQUEST_NOT_FOUND")

	// Asked again through DELETE /users/me, with the same body; 30 days later the account is erased.
	ada.call("DELETE", "/users/me", map[string]any{"password": "wrong password"}).flatError(t, http.StatusForbidden, "INVALID_PASSWORD")
	r = ada.call("DELETE", "/users/me", deletion)
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Raw))
	requestID := r.JSON["id"].(string)
	clock.advance(30*24*time.Hour + time.Hour)
	require.Eventually(t, func() bool {
		r := app.call("POST", "/auth/login", map[string]string{"email": adaEmail, "password": demoPassword})
		return r.Status == http.StatusUnauthorized
	}, 30*time.Second, 200*time.Millisecond, "the account is gone: signing in fails")
	app.call("POST", "/auth/login", map[string]string{"email": adaEmail, "password": demoPassword}).
		envelopedError(t, http.StatusUnauthorized, "INVALID_CREDENTIALS")
	adm = login("admin@privacy.test")
	adm.call("GET", "/admin/users/"+adaID, nil).flatError(t, http.StatusNotFound, "USER_NOT_FOUND")

	// What stays: the invoice, for the client, anonymised; the completed request, without its
	// reason. What goes: the account, its card at the gateway, its files, its email.
	var status, reason string
	require.Eventually(t, func() bool {
		require.NoError(t, owner.QueryRow(ctx, `SELECT status, reason FROM privacy_deletion_requests WHERE tenant_id = $1 AND id = $2`,
			tenantID, requestID).Scan(&status, &reason))
		return status == "completed"
	}, 30*time.Second, 100*time.Millisecond)
	require.Empty(t, reason)
	var name, mail, userID string
	require.NoError(t, owner.QueryRow(ctx, `SELECT customer_name, customer_email, user_id::text FROM invoices
		WHERE tenant_id = $1 AND number = $2`, tenantID, number).Scan(&name, &mail, &userID))
	require.Equal(t, "Deleted user", name)
	require.Empty(t, mail)
	require.Equal(t, adaID, userID, "the invoice keeps the id, which names no one any more")
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		require.NoError(t, owner.QueryRow(ctx, q, args...).Scan(&n))
		return n
	}
	require.Zero(t, count(`SELECT count(*) FROM users WHERE tenant_id = $1 AND id = $2`, tenantID, adaID))
	require.Zero(t, count(`SELECT count(*) FROM subscriptions WHERE tenant_id = $1 AND user_id = $2`, tenantID, adaID))
	require.Zero(t, count(`SELECT count(*) FROM payment_methods WHERE tenant_id = $1 AND user_id = $2`, tenantID, adaID))
	require.Zero(t, count(`SELECT count(*) FROM sessions WHERE tenant_id = $1 AND subject_id = $2`, tenantID, adaID))
	require.Zero(t, count(`SELECT count(*) FROM privacy_exports WHERE tenant_id = $1 AND user_id = $2`, tenantID, adaID))
	require.Zero(t, count(`SELECT count(*) FROM email_outbox WHERE tenant_id = $1 AND $2 = ANY (recipients)`, tenantID, adaEmail))
	require.Zero(t, count(`SELECT count(*) FROM sandbox_gateway_methods m JOIN sandbox_gateway_customers c
		ON c.tenant_id = m.tenant_id AND c.id = m.customer_id WHERE m.tenant_id = $1 AND c.reference = $2 AND m.detached_at IS NULL`,
		tenantID, adaID), "the card is detached at the gateway")
	require.NotZero(t, count(`SELECT count(*) FROM sandbox_gateway_methods m JOIN sandbox_gateway_customers c
		ON c.tenant_id = m.tenant_id AND c.id = m.customer_id WHERE m.tenant_id = $1 AND c.reference = $2`, tenantID, adaID))
	archives, err := filepath.Glob(filepath.Join(srv.Config.BlobDir, "exports", tenantID, "*.zip"))
	require.NoError(t, err)
	require.Len(t, archives, 1, "Ada's archive is deleted, Bob's is kept: %v", archives)
	require.Contains(t, archives[0], bobExportID)
	_, err = os.Stat(filepath.Join(srv.Config.BlobDir, "exports", tenantID, export["id"].(string)+".zip"))
	require.True(t, os.IsNotExist(err), "Ada's archive is deleted")

	// Bob is untouched.
	bob = login(bobEmail)
	require.Equal(t, http.StatusOK, bob.call("GET", "/users/me", nil).Status)
}

// notificationOf answers the account's one notification of the type, failing unless there is
// exactly one.
func notificationOf(t *testing.T, c *client, kind string) map[string]any {
	t.Helper()
	r := c.call("GET", "/notifications?limit=100", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	var found []map[string]any
	for _, x := range r.JSON["data"].([]any) {
		if n := x.(map[string]any); n["type"] == kind {
			found = append(found, n)
		}
	}
	require.Len(t, found, 1, "one %s notification: %s", kind, r.Raw)
	return found[0]
}
