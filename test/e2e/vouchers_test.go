package e2e

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// partnerStaff creates a partner of the tenant with a staff member of the role and returns the
// partner id and a portal client signed in as them (bearer only; add the API key with with).
func partnerStaff(t *testing.T, srv *harness.Server, op *client, tenantID, partnerName, email, role string) (string, *client) {
	t.Helper()
	r := op.call("POST", "/platform/tenants/"+tenantID+"/partners", map[string]string{"name": partnerName})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	pid := r.str("id")
	staffOf(t, srv, op, pid, email, role)
	return pid, signInStaff(t, srv, email)
}

func staffOf(t *testing.T, _ *harness.Server, op *client, partnerID, email, role string) {
	t.Helper()
	r := op.call("POST", "/platform/partners/"+partnerID+"/staff", map[string]string{
		"email": email, "password": demoPassword, "name": "Staff " + role, "role": role})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
}

func signInStaff(t *testing.T, srv *harness.Server, email string) *client {
	t.Helper()
	r := newClient(t, srv.URL).call("POST", "/partner-auth/login", map[string]string{"email": email, "password": demoPassword})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	return newClient(t, srv.URL).with("Authorization", "Bearer "+r.JSON["data"].(map[string]any)["accessToken"].(string))
}

func data(t *testing.T, r response, status int) map[string]any {
	t.Helper()
	require.Equal(t, status, r.Status, string(r.Raw))
	require.Equal(t, true, r.JSON["success"], string(r.Raw))
	return r.JSON["data"].(map[string]any)
}

func vouchersOf(d map[string]any) []map[string]any {
	var out []map[string]any
	for _, v := range d["vouchers"].([]any) {
		out = append(out, v.(map[string]any))
	}
	return out
}

var codePattern = regexp.MustCompile(`^STUDIO-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$`)

// TestVoucherIntegrationFlow walks the partner integration flow of the specification: staff
// generate codes, the app validates one and registers a member with it, the portal lists,
// counts, revokes and exports them.
func TestVoucherIntegrationFlow(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "voucher-client", nil)
	_, keyB := onboard(t, op, "other-client", nil)
	p1, owner := partnerStaff(t, srv, op, idA, "Gym One", "owner@gym-one.test", "admin")
	staffOf(t, srv, op, p1, "viewer@gym-one.test", "viewer")
	viewer := signInStaff(t, srv, "viewer@gym-one.test").with("X-API-Key", keyA)
	_, other := partnerStaff(t, srv, op, idA, "Gym Two", "owner@gym-two.test", "owner")
	portal, other := owner.with("X-API-Key", keyA), other.with("X-API-Key", keyA)
	app := newClient(t, srv.URL).with("X-API-Key", keyA)

	// Voucher routes need the staff token and the API key of the same client.
	owner.call("POST", "/partner/vouchers", map[string]any{"quantity": 1}).envelopedError(t, http.StatusUnauthorized, "INVALID_API_KEY")
	owner.with("X-API-Key", keyB).call("POST", "/partner/vouchers", map[string]any{"quantity": 1}).
		envelopedError(t, http.StatusForbidden, "TENANT_MISMATCH")
	app.call("GET", "/partner/vouchers", nil).envelopedError(t, http.StatusUnauthorized, "UNAUTHORIZED")
	viewer.call("POST", "/partner/vouchers", map[string]any{"quantity": 1}).envelopedError(t, http.StatusForbidden, "FORBIDDEN")

	// Bad input names its fields.
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	for _, bad := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"quantity": 0}, "quantity"},
		{map[string]any{"quantity": 501}, "quantity"},
		{map[string]any{"quantity": 5, "prefix": "no-dashes"}, "prefix"},
		{map[string]any{"quantity": 5, "prefix": "THIRTEENCHARS"}, "prefix"},
		{map[string]any{"quantity": 5, "expiresAt": past}, "expiresAt"},
		{map[string]any{"quantity": 5, "expiresAt": "tomorrow"}, "expiresAt"},
	} {
		e := portal.call("POST", "/partner/vouchers", bad.body).envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
		require.Contains(t, fmt.Sprint(e["details"]), bad.field, "%v", bad.body)
	}

	// Generate 50, as the specification's example.
	expires := time.Now().Add(30 * 24 * time.Hour).UTC().Truncate(time.Second)
	d := data(t, portal.call("POST", "/partner/vouchers", map[string]any{"quantity": 50, "prefix": "studio", "expiresAt": expires.Format(time.RFC3339)}), http.StatusCreated)
	made := vouchersOf(d)
	require.Len(t, made, 50)
	seen := map[string]bool{}
	for _, v := range made {
		require.Regexp(t, codePattern, v["code"])
		require.Equal(t, "active", v["status"])
		require.Equal(t, expires.Format(time.RFC3339), v["expiresAt"])
		require.IsType(t, float64(0), v["id"], "ids are numbers, as the specification shows")
		seen[v["code"].(string)] = true
	}
	require.Len(t, seen, 50, "codes are unique")
	code := made[0]["code"].(string)

	// The app validates a code, in any case; every unusable code gets one answer.
	v := data(t, app.call("POST", "/auth/voucher/validate", map[string]string{"code": strings.ToLower(code)}), http.StatusOK)
	require.Equal(t, true, v["valid"])
	require.Equal(t, code, v["code"])
	require.Equal(t, "Gym One", v["partnerName"])
	unusable := func(c *client, code string) map[string]any {
		t.Helper()
		e := c.call("POST", "/auth/voucher/validate", map[string]string{"voucherCode": code}).
			envelopedError(t, http.StatusUnprocessableEntity, "INVALID_VOUCHER")
		delete(e, "requestId")
		return e
	}
	shape := unusable(app, "STUDIO-ZZZZZZ")
	require.Equal(t, shape, unusable(newClient(t, srv.URL).with("X-API-Key", keyB), code), "another client's code")

	// Register with it: a member of Gym One; the code cannot be used twice.
	r := app.call("POST", "/auth/register", map[string]string{"email": "first@member.test", "password": demoPassword, "name": "First", "voucherCode": code})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, shape, unusable(app, code), "a redeemed code")
	e := app.call("POST", "/auth/register", map[string]string{"email": "second@member.test", "password": demoPassword, "name": "Second", "voucherCode": code}).
		envelopedError(t, http.StatusUnprocessableEntity, "INVALID_VOUCHER")
	require.Contains(t, fmt.Sprint(e["details"]), "voucherCode")
	app.call("POST", "/auth/login", map[string]string{"email": "second@member.test", "password": demoPassword}).
		envelopedError(t, http.StatusUnauthorized, "INVALID_CREDENTIALS") // the refused registration left no account

	// Revoke: an active code yes (again: unchanged), a redeemed one no; another partner's is not found.
	byCode := map[string]float64{}
	for _, v := range made {
		byCode[v["code"].(string)] = v["id"].(float64)
	}
	id := func(code string) string { return fmt.Sprint(int64(byCode[code])) }
	revoked := made[1]["code"].(string)
	portal.call("DELETE", "/partner/vouchers/"+id(code), nil).envelopedError(t, http.StatusConflict, "VOUCHER_REDEEMED")
	other.call("DELETE", "/partner/vouchers/"+id(revoked), nil).envelopedError(t, http.StatusNotFound, "VOUCHER_NOT_FOUND")
	viewer.call("DELETE", "/partner/vouchers/"+id(revoked), nil).envelopedError(t, http.StatusForbidden, "FORBIDDEN")
	for range 2 {
		rv := data(t, portal.call("DELETE", "/partner/vouchers/"+id(revoked), nil), http.StatusOK)["voucher"].(map[string]any)
		require.Equal(t, "revoked", rv["status"])
		require.NotEmpty(t, rv["revokedAt"])
	}
	require.Equal(t, shape, unusable(app, revoked), "a revoked code")
	portal.call("DELETE", "/partner/vouchers/not-a-number", nil).envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")

	// Listing: filters, search, pages; another partner sees none of them.
	page := func(c *client, query string) map[string]any {
		return data(t, c.call("GET", "/partner/vouchers"+query, nil), http.StatusOK)
	}
	p3 := page(viewer, "?limit=20&page=3")
	require.Len(t, vouchersOf(p3), 10)
	require.Equal(t, map[string]any{"page": 3.0, "limit": 20.0, "total": 50.0, "totalPages": 3.0}, p3["pagination"])
	red := vouchersOf(page(portal, "?status=redeemed"))
	require.Len(t, red, 1)
	require.Equal(t, code, red[0]["code"])
	require.NotEmpty(t, red[0]["redeemedAt"])
	require.Len(t, vouchersOf(page(portal, "?status=revoked")), 1)
	require.Len(t, vouchersOf(page(portal, "?status=active&limit=100")), 48)
	found := vouchersOf(page(portal, "?search="+strings.ToLower(code[7:])))
	require.Equal(t, code, found[0]["code"])
	require.Empty(t, vouchersOf(page(other, "")), "another partner's staff see none of Gym One's codes")
	portal.call("GET", "/partner/vouchers?status=lost", nil).envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	portal.call("GET", "/partner/vouchers?limit=1000", nil).envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")

	// Statistics.
	st := data(t, viewer.call("GET", "/partner/vouchers/stats", nil), http.StatusOK)
	require.Equal(t, map[string]any{"total": 50.0, "active": 48.0, "redeemed": 1.0, "expired": 0.0, "revoked": 1.0, "redemptionRate": 2.0}, st)
	require.Equal(t, 0.0, data(t, other.call("GET", "/partner/vouchers/stats", nil), http.StatusOK)["total"])

	// Export: a CSV file a spreadsheet reads, filtered by status.
	r = viewer.call("GET", "/partner/vouchers/export?status=redeemed", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, "text/csv; charset=utf-8", r.Header.Get("Content-Type"))
	require.Regexp(t, `^attachment; filename=vouchers-\d{4}-\d{2}-\d{2}\.csv$`, r.Header.Get("Content-Disposition"))
	rows, err := csv.NewReader(strings.NewReader(string(r.Raw))).ReadAll()
	require.NoError(t, err)
	require.Equal(t, [][]string{{"id", "code", "status", "expiresAt", "createdAt", "redeemedAt", "revokedAt"}}, rows[:1])
	require.Len(t, rows, 2)
	require.Equal(t, []string{id(code), code, "redeemed", expires.Format(time.RFC3339)}, rows[1][:4])
	r = portal.call("GET", "/partner/vouchers/export", nil)
	all, err := csv.NewReader(strings.NewReader(string(r.Raw))).ReadAll()
	require.NoError(t, err)
	require.Len(t, all, 51)
	portal.call("GET", "/partner/vouchers/export?status=lost", nil).envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	r = other.call("GET", "/partner/vouchers/export", nil)
	require.Equal(t, "id,code,status,expiresAt,createdAt,redeemedAt,revokedAt\r\n", string(r.Raw), "another partner exports none")

	// Expiry: an unused code past its expiry shows as expired at once and cannot register;
	// the member who redeemed before keeps their account.
	soon := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339Nano)
	short := vouchersOf(data(t, portal.call("POST", "/partner/vouchers", map[string]any{"quantity": 1, "expiresAt": soon}), http.StatusCreated))[0]
	require.Regexp(t, `^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$`, short["code"], "no prefix: the random part alone")
	require.Eventually(t, func() bool {
		return app.call("POST", "/auth/voucher/validate", map[string]string{"code": short["code"].(string)}).Status == http.StatusUnprocessableEntity
	}, 10*time.Second, 200*time.Millisecond)
	exp := vouchersOf(page(portal, "?status=expired"))
	require.Len(t, exp, 1)
	require.Equal(t, "expired", exp[0]["status"])
	portal.call("DELETE", "/partner/vouchers/"+fmt.Sprint(int64(short["id"].(float64))), nil).envelopedError(t, http.StatusConflict, "VOUCHER_EXPIRED")
	require.Equal(t, 1.0, data(t, portal.call("GET", "/partner/vouchers/stats", nil), http.StatusOK)["expired"])
	require.Equal(t, http.StatusOK, app.call("POST", "/auth/login", map[string]string{"email": "first@member.test", "password": demoPassword}).Status)
}

// TestVoucherRedemptionRace: 32 simultaneous registrations on 8 codes (four racers a code) give
// exactly 8 members and no server error. (64 racers made 64 argon2 hashes queue on two CPUs: under
// -race on a loaded CI machine the last ones outlived the server's 60 s write timeout.)
func TestVoucherRedemptionRace(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t, map[string]string{"STVOS_RATE_REGISTER": "600"})
	op := operator(t, srv)
	id, key := onboard(t, op, "race-client", nil)
	_, staff := partnerStaff(t, srv, op, id, "Race Gym", "owner@race.test", "owner")
	portal := staff.with("X-API-Key", key)
	codes := vouchersOf(data(t, portal.call("POST", "/partner/vouchers", map[string]any{"quantity": 8}), http.StatusCreated))
	app := newClient(t, srv.URL).with("X-API-Key", key)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses = map[int]int{}
		winners  = map[string]int{}
	)
	start := make(chan struct{})
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := codes[i%8]["code"].(string)
			<-start
			r := app.call("POST", "/auth/register", map[string]string{"email": fmt.Sprintf("racer%d@race.test", i),
				"password": demoPassword, "name": "Racer", "voucherCode": code})
			mu.Lock()
			defer mu.Unlock()
			statuses[r.Status]++
			if r.Status == http.StatusCreated {
				winners[code]++
			} else if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("registration answered %d: %s", r.Status, r.Raw)
			}
		}()
	}
	close(start)
	wg.Wait()
	require.Equal(t, map[int]int{http.StatusCreated: 8, http.StatusUnprocessableEntity: 24}, statuses)
	require.Len(t, winners, 8, "each code made exactly one member")
	st := data(t, portal.call("GET", "/partner/vouchers/stats", nil), http.StatusOK)
	require.Equal(t, 8.0, st["redeemed"])
	require.Equal(t, 100.0, st["redemptionRate"])
}
