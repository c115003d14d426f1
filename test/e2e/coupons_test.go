package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/currency"
	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/core/coupon"
	"github.com/stvos/stvos/core/plan"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/harness"
)

// springCoupon is the specification's Create Coupon request sample, with the values it shows
// that the specification's own rules refuse (a lower-case code, 0.1 percent, a currency on a
// percent coupon, valid_until equal to valid_from).
const springCoupon = `{"code": "string", "description": "string", "discount_type": "percent", "discount_value": 0.1,
	"currency": "str", "applicable_plan_ids": [], "max_redemptions": 1, "max_redemptions_per_user": 1,
	"valid_from": "2019-08-24T14:15:22Z", "valid_until": "2019-08-24T14:15:22Z", "status": "active"}`

// couponBody is a valid coupon body with the given fields changed (a nil value removes the field).
func couponBody(changes map[string]any) map[string]any {
	return changed(map[string]any{"code": "SPRING-25", "description": "Spring sale", "discount_type": "percent", "discount_value": 20,
		"max_redemptions": 100, "valid_from": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "status": "active"}, changes)
}

// TestCoupons walks the coupon routes as the specification shows them: create (the spec's sample
// refused for what its rules refuse, then a valid one read back exactly), a code taken twice
// (any case) refused, PATCH of the fields that may change with If-Match, the immutable ones
// refused, lists by status, delete only while never redeemed; a subscriber validates codes
// against plans (a valid one with its exact discount; not found, disabled, not yet valid,
// expired, exhausted, used up by the account, plan not applicable, another currency); every
// change in the audit log; subscribers may not manage coupons, and another client reaches none.
func TestCoupons(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "coupons-a", nil)
	idB, keyB := onboard(t, op, "coupons-b", nil)
	adm := admin(t, srv, op, idA, keyA, "admin@coupons-a.test")
	admB := admin(t, srv, op, idB, keyB, "admin@coupons-b.test")
	viewer := member(t, newClient(t, srv.URL).with("X-API-Key", keyA), "viewer@coupons-a.test")
	viewerID := viewer["user"].(map[string]any)["id"].(string)
	sub := newClient(t, srv.URL).with("Authorization", "Bearer "+viewer["accessToken"].(string))
	other := member(t, newClient(t, srv.URL).with("X-API-Key", keyA), "other@coupons-a.test")
	otherID := other["user"].(map[string]any)["id"].(string)
	viewerB := member(t, newClient(t, srv.URL).with("X-API-Key", keyB), "viewer@coupons-b.test")
	subB := newClient(t, srv.URL).with("Authorization", "Bearer "+viewerB["accessToken"].(string))

	r := adm.call("POST", "/admin/plans", standardHD)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	standard := r.str("id")
	r = adm.call("POST", "/admin/plans", planBody(map[string]any{"name": "Yen", "price": 1000, "currency": "JPY"}))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	yen := r.str("id")

	// The specification's sample breaks its own rules, and each is named.
	d := adm.call("POST", "/admin/coupons", springCoupon).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Contains(t, fields(d), "code")
	d = adm.call("POST", "/admin/coupons", couponBody(map[string]any{"discount_value": 0.1, "currency": "USD",
		"valid_until": time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)})).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.ElementsMatch(t, []string{"discount_value", "currency", "valid_until"}, fields(d))

	// A valid coupon, read back with every field.
	from := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	until := from.Add(30 * 24 * time.Hour)
	r = adm.call("POST", "/admin/coupons", couponBody(map[string]any{"valid_from": from.Format(time.RFC3339),
		"valid_until": until.Format(time.RFC3339), "applicable_plan_ids": []string{standard, yen}}))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, `"1"`, r.Header.Get("ETag"))
	spring := r.str("id")
	want := map[string]any{"id": spring, "code": "SPRING-25", "description": "Spring sale", "discount_type": "percent",
		"discount_value": 20.0, "currency": nil, "applicable_plan_ids": []any{standard, yen}, "max_redemptions": 100.0,
		"max_redemptions_per_user": 1.0, "redemption_count": 0.0, "valid_from": from.Format(time.RFC3339),
		"valid_until": until.Format(time.RFC3339), "status": "active", "created_at": r.str("created_at"), "updated_at": r.str("created_at")}
	require.Equal(t, want, r.JSON)
	g := adm.call("GET", "/admin/coupons/"+spring, nil)
	require.Equal(t, http.StatusOK, g.Status, string(g.Raw))
	require.Equal(t, want, g.JSON, "read back exactly as created")

	// Codes are unique in the client; the other types; bad input names its field.
	adm.call("POST", "/admin/coupons", couponBody(nil)).flatError(t, http.StatusConflict, "COUPON_CODE_TAKEN")
	r = adm.call("POST", "/admin/coupons", couponBody(map[string]any{"code": "FIVE-OFF", "discount_type": "fixed_amount",
		"discount_value": 5, "currency": "usd", "applicable_plan_ids": []string{standard}, "max_redemptions": nil}))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Contains(t, string(r.Raw), `"discount_value":5.00,`, "money with its currency's digits")
	require.Equal(t, "USD", r.str("currency"))
	require.Nil(t, r.JSON["max_redemptions"], "absent is unlimited")
	require.Nil(t, r.JSON["valid_until"], "absent never expires")
	fiveOff := r.str("id")
	r = adm.call("POST", "/admin/coupons", couponBody(map[string]any{"code": "TRIAL_30", "discount_type": "free_trial_days",
		"discount_value": 30, "max_redemptions_per_user": 2}))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, []any{}, r.JSON["applicable_plan_ids"], "empty applies to every plan")
	require.Equal(t, 2.0, r.JSON["max_redemptions_per_user"])
	trial := r.str("id")
	for _, c := range []struct {
		body  any
		field string
	}{
		{couponBody(map[string]any{"code": "spring"}), "code"},
		{couponBody(map[string]any{"code": "TOO LONG"}), "code"},
		{couponBody(map[string]any{"code": "X", "discount_type": "bogo"}), "discount_type"},
		{couponBody(map[string]any{"code": "X", "discount_value": 101}), "discount_value"},
		{couponBody(map[string]any{"code": "X", "discount_value": "20"}), "discount_value"},
		{couponBody(map[string]any{"code": "X", "discount_type": "fixed_amount", "discount_value": 5}), "currency"},
		{couponBody(map[string]any{"code": "X", "discount_type": "fixed_amount", "discount_value": 5.001, "currency": "USD"}), "discount_value"},
		{couponBody(map[string]any{"code": "X", "discount_type": "fixed_amount", "discount_value": 5, "currency": "XYZ"}), "currency"},
		{couponBody(map[string]any{"code": "X", "discount_type": "free_trial_days", "discount_value": 1.5}), "discount_value"},
		{couponBody(map[string]any{"code": "X", "applicable_plan_ids": []string{ports.NewID()}}), "applicable_plan_ids"},
		{couponBody(map[string]any{"code": "X", "max_redemptions": 0}), "max_redemptions"},
		{couponBody(map[string]any{"code": "X", "max_redemptions_per_user": 0}), "max_redemptions_per_user"},
		{couponBody(map[string]any{"code": "X", "status": "expired"}), "status"},
		{couponBody(map[string]any{"code": "X", "valid_from": nil}), "valid_from"},
		{couponBody(map[string]any{"code": "X", "status": nil}), "status"},
	} {
		d := adm.call("POST", "/admin/coupons", c.body).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
		require.Contains(t, fields(d), c.field, "%v", c.body)
	}

	// PATCH changes what may change, with If-Match; code, type and value never change.
	for _, field := range []string{"code", "discount_type", "discount_value"} {
		body := map[string]any{field: map[string]any{"code": "NEW", "discount_type": "fixed_amount", "discount_value": 50}[field]}
		d := adm.call("PATCH", "/admin/coupons/"+spring, body).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
		require.Equal(t, []string{field}, fields(d))
		require.Equal(t, "is immutable after creation", d[0].(map[string]any)["reason"])
	}
	r = adm.call("PATCH", "/admin/coupons/"+spring, map[string]any{"description": "Spring sale, extended", "max_redemptions": 200},
		"If-Match", `"1"`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, `"2"`, r.Header.Get("ETag"))
	require.Equal(t, "Spring sale, extended", r.str("description"))
	require.Equal(t, 200.0, r.JSON["max_redemptions"])
	require.Equal(t, "SPRING-25", r.str("code"))
	require.Equal(t, want["created_at"], r.str("created_at"))
	adm.call("PATCH", "/admin/coupons/"+spring, map[string]any{"status": "disabled"}, "If-Match", `"1"`).
		flatError(t, http.StatusPreconditionFailed, "PRECONDITION_FAILED")
	d = adm.call("PATCH", "/admin/coupons/"+spring, map[string]any{"valid_until": from.Add(-time.Minute).Format(time.RFC3339)}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"valid_until"}, fields(d))
	adm.call("PATCH", "/admin/coupons/"+spring, map[string]any{"status": "expired"}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	r = adm.call("PATCH", "/admin/coupons/"+spring, map[string]any{"description": "Spring sale, extended"}, "If-Match", `"2"`)
	require.Equal(t, `"2"`, r.Header.Get("ETag"), "a patch that changes nothing is no new version")

	// Coupons the subscriber will find in every state.
	create := func(body map[string]any) string {
		t.Helper()
		r := adm.call("POST", "/admin/coupons", couponBody(body))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
		return r.str("id")
	}
	past := time.Now().Add(-48 * time.Hour).UTC()
	expired := create(map[string]any{"code": "OLD", "valid_from": past.Format(time.RFC3339),
		"valid_until": past.Add(time.Hour).Format(time.RFC3339)})
	later := create(map[string]any{"code": "LATER", "valid_from": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)})
	disabled := create(map[string]any{"code": "OFF", "status": "disabled"})
	oneOnly := create(map[string]any{"code": "ONE-ONLY", "max_redemptions": 1})
	create(map[string]any{"code": "ONCE-EACH"})
	create(map[string]any{"code": "EURO", "discount_type": "fixed_amount", "discount_value": 3, "currency": "EUR"})
	create(map[string]any{"code": "THIRD", "discount_value": 33.33})

	// Lists, by status now, page by page.
	r = adm.call("GET", "/admin/coupons?status=expired", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, []string{expired}, dataIDs(r))
	require.Equal(t, "expired", r.JSON["data"].([]any)[0].(map[string]any)["status"])
	require.Equal(t, []string{disabled}, dataIDs(adm.call("GET", "/admin/coupons?status=disabled", nil)))
	require.Len(t, dataIDs(adm.call("GET", "/admin/coupons?status=active", nil)), 8)
	require.Equal(t, "active", adm.call("GET", "/admin/coupons/"+later, nil).str("status"), "not yet valid is still active")
	r = adm.call("GET", "/admin/coupons?limit=6", nil)
	require.Len(t, dataIDs(r), 6)
	require.IsIncreasing(t, dataIDs(r))
	meta := r.JSON["meta"].(map[string]any)
	require.Equal(t, true, meta["has_more"])
	r = adm.call("GET", "/admin/coupons?limit=6&cursor="+meta["next_cursor"].(string), nil)
	require.Len(t, dataIDs(r), 4)
	adm.call("GET", "/admin/coupons?status=gone", nil).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	adm.call("GET", "/admin/coupons?limit=101", nil).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")

	// Redemptions happen when subscribing; here through the use case subscriptions call.
	ctx := context.Background()
	pool, err := postgres.Connect(ctx, srv.Config.DatabaseURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	uow := postgres.NewUnitOfWork(pool)
	coupons := coupon.NewService(uow, postgres.CouponStore{}, postgres.PlanStore{}, postgres.AuditStore{}, currency.ISO4217{},
		ports.SystemClock{})
	var std plan.Plan
	require.NoError(t, uow.Read(ctx, ports.TenantScope(idA), func(ctx context.Context) (err error) {
		std, err = postgres.PlanStore{}.Get(ctx, standard, false)
		return err
	}))
	c, disc, err := coupons.Redeem(ctx, idA, otherID, "one-only", std)
	require.NoError(t, err)
	require.Equal(t, oneOnly, c.ID)
	require.Equal(t, 1, c.RedemptionCount)
	require.Equal(t, int64(200), disc.Amount.Minor)
	_, _, err = coupons.Redeem(ctx, idA, viewerID, "ONE-ONLY", std)
	require.Equal(t, "COUPON_EXHAUSTED", ports.AsError(err).Code)
	_, _, err = coupons.Redeem(ctx, idA, viewerID, "ONCE-EACH", std)
	require.NoError(t, err)
	_, _, err = coupons.Redeem(ctx, idA, viewerID, "ONCE-EACH", std)
	require.Equal(t, "COUPON_ALREADY_REDEEMED", ports.AsError(err).Code)
	_, _, err = coupons.Redeem(ctx, idA, viewerID, "NOPE", std)
	require.ErrorIs(t, err, ports.ErrNotFound)
	require.Equal(t, 1.0, adm.call("GET", "/admin/coupons/"+oneOnly, nil).JSON["redemption_count"])

	// A subscriber validates codes against a plan, any case, with the exact discount.
	validate := func(code, planID string) response {
		t.Helper()
		r := sub.call("POST", "/coupons/validate", map[string]any{"code": code, "plan_id": planID})
		require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
		return r
	}
	r = validate("spring-25", standard)
	require.Equal(t, true, r.JSON["valid"])
	require.NotContains(t, r.JSON, "error_code")
	require.Equal(t, spring, r.JSON["coupon"].(map[string]any)["id"])
	require.Contains(t, string(r.Raw), `"discount":{"discount_amount":2.00,"amount_due":7.99,"currency":"USD","free_trial_days":0}`,
		"20 percent of 9.99 is 1.998, rounded half up")
	r = validate("THIRD", yen)
	require.Contains(t, string(r.Raw), `"discount_amount":333,"amount_due":667,"currency":"JPY"`)
	r = validate("FIVE-OFF", standard)
	require.Contains(t, string(r.Raw), `"discount_amount":5.00,"amount_due":4.99`)
	r = validate("TRIAL_30", yen)
	require.Contains(t, string(r.Raw), `"discount_amount":0,"amount_due":1000,"currency":"JPY","free_trial_days":30`)
	for code, reason := range map[string]string{"NOPE": "not_found", "OFF": "disabled", "LATER": "not_yet_valid", "OLD": "expired",
		"ONE-ONLY": "exhausted", "ONCE-EACH": "already_redeemed", "EURO": "currency_mismatch", "  ": "not_found"} {
		r = validate(code, standard)
		require.Equal(t, map[string]any{"valid": false, "error_code": reason}, r.JSON, code)
	}
	require.Equal(t, "plan_not_applicable", validate("FIVE-OFF", yen).JSON["error_code"])
	sub.call("POST", "/coupons/validate", map[string]any{"code": "SPRING-25", "plan_id": ports.NewID()}).
		flatError(t, http.StatusNotFound, "PLAN_NOT_FOUND")
	d = sub.call("POST", "/coupons/validate", map[string]any{"code": "SPRING-25"}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"plan_id"}, fields(d))
	newClient(t, srv.URL).with("X-API-Key", keyA).call("POST", "/coupons/validate", map[string]any{"code": "X", "plan_id": standard}).
		flatError(t, http.StatusUnauthorized, "UNAUTHORIZED")

	// Disabling makes a coupon unusable at once; re-enabling restores it.
	r = adm.call("PATCH", "/admin/coupons/"+spring, map[string]any{"status": "disabled"}, "If-Match", `"2"`)
	require.Equal(t, "disabled", r.str("status"))
	require.Equal(t, "disabled", validate("SPRING-25", standard).JSON["error_code"])
	r = adm.call("PATCH", "/admin/coupons/"+spring, map[string]any{"status": "active"})
	require.Equal(t, true, validate("SPRING-25", standard).JSON["valid"])

	// Delete: a redeemed coupon stays; another goes.
	adm.call("DELETE", "/admin/coupons/"+oneOnly, nil).flatError(t, http.StatusConflict, "COUPON_REDEEMED")
	adm.call("DELETE", "/admin/coupons/"+trial, nil, "If-Match", `"7"`).flatError(t, http.StatusPreconditionFailed, "PRECONDITION_FAILED")
	r = adm.call("DELETE", "/admin/coupons/"+trial, nil, "If-Match", `"1"`)
	require.Equal(t, http.StatusNoContent, r.Status, string(r.Raw))
	adm.call("GET", "/admin/coupons/"+trial, nil).flatError(t, http.StatusNotFound, "COUPON_NOT_FOUND")
	adm.call("DELETE", "/admin/coupons/"+trial, nil).flatError(t, http.StatusNotFound, "COUPON_NOT_FOUND")
	require.Equal(t, "not_found", validate("TRIAL_30", standard).JSON["error_code"])

	// Every change is in the audit log.
	r = adm.call("GET", "/admin/audit-log?target_id="+spring, nil)
	var actions []string
	for _, rec := range r.JSON["data"].([]any) {
		actions = append(actions, rec.(map[string]any)["action"].(string))
	}
	require.Equal(t, []string{"coupon.updated", "coupon.updated", "coupon.updated", "coupon.created"}, actions)
	r = adm.call("GET", "/admin/audit-log?target_id="+trial, nil)
	require.Equal(t, "coupon.deleted", r.JSON["data"].([]any)[0].(map[string]any)["action"])

	// A subscriber may validate but not manage coupons.
	sub.call("GET", "/admin/coupons", nil).flatError(t, http.StatusForbidden, "FORBIDDEN")
	sub.call("GET", "/admin/coupons/"+spring, nil).flatError(t, http.StatusForbidden, "FORBIDDEN")
	sub.call("POST", "/admin/coupons", couponBody(map[string]any{"code": "MINE"})).flatError(t, http.StatusForbidden, "FORBIDDEN")
	sub.call("PATCH", "/admin/coupons/"+spring, map[string]any{"status": "disabled"}).flatError(t, http.StatusForbidden, "FORBIDDEN")
	sub.call("DELETE", "/admin/coupons/"+fiveOff, nil).flatError(t, http.StatusForbidden, "FORBIDDEN")

	// Another client's admin and subscribers reach none of it; codes are per client.
	for _, id := range []string{spring, fiveOff, oneOnly} {
		admB.call("GET", "/admin/coupons/"+id, nil).flatError(t, http.StatusNotFound, "COUPON_NOT_FOUND")
		admB.call("PATCH", "/admin/coupons/"+id, map[string]any{"status": "disabled"}).flatError(t, http.StatusNotFound, "COUPON_NOT_FOUND")
		admB.call("DELETE", "/admin/coupons/"+id, nil).flatError(t, http.StatusNotFound, "COUPON_NOT_FOUND")
	}
	require.Empty(t, dataIDs(admB.call("GET", "/admin/coupons", nil)))
	subB.call("POST", "/coupons/validate", map[string]any{"code": "SPRING-25", "plan_id": standard}).
		flatError(t, http.StatusNotFound, "PLAN_NOT_FOUND")
	r = admB.call("POST", "/admin/coupons", couponBody(map[string]any{"applicable_plan_ids": []string{standard}}))
	require.Contains(t, fields(r.flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")), "applicable_plan_ids",
		"A's plans are not B's")
	r = admB.call("POST", "/admin/coupons", couponBody(nil))
	require.Equal(t, http.StatusCreated, r.Status, "the same code in another client: %s", r.Raw)
	g = adm.call("GET", "/admin/coupons/"+fiveOff, nil)
	require.Equal(t, "FIVE-OFF", g.str("code"), "B changed nothing of A")
	require.Equal(t, "active", g.str("status"))
}
