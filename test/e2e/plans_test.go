package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// standardHD is the specification's Create Plan request sample, byte for byte in its values.
const standardHD = `{"name": "Standard HD", "description": "string", "price": 9.99, "currency": "USD",
	"billing_cycle": "monthly", "max_profiles": 1, "max_concurrent_streams": 1, "max_devices": 1, "max_quality": "SD",
	"has_downloads": true, "allow_download_count": 0, "has_ads": true, "has_hdr": true, "has_dolby_atmos": true,
	"trial_days": 0, "is_active": true}`

// planBody is a valid plan body with the given fields changed (a nil value removes the field).
func planBody(changes map[string]any) map[string]any {
	return changed(map[string]any{"name": "Premium", "price": 15.49, "currency": "USD", "billing_cycle": "monthly", "max_profiles": 4,
		"max_concurrent_streams": 4, "max_devices": 10, "max_quality": "UHD_4K", "has_downloads": true, "has_ads": false, "is_active": true},
		changes)
}

// changed answers body with the changes made: a nil value removes the field.
func changed(body, changes map[string]any) map[string]any {
	for k, v := range changes {
		if v == nil {
			delete(body, k)
			continue
		}
		body[k] = v
	}
	return body
}

// dataIDs answers the ids of the items of a list answer's data, in order.
func dataIDs(r response) []string {
	var out []string
	for _, item := range r.JSON["data"].([]any) {
		out = append(out, item.(map[string]any)["id"].(string))
	}
	return out
}

// TestPlans walks the plan routes as the specification shows them: create with its example body
// and read back every field exactly, list page by page, replace with If-Match (a stale ETag is
// refused), deactivate (gone from the subscriber's list, kept in the admin's), every change in
// the audit log; bad input names its field; subscribers may not manage plans, and another
// client's admin reaches none of them.
func TestPlans(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "plans-a", nil)
	idB, keyB := onboard(t, op, "plans-b", nil)
	adm := admin(t, srv, op, idA, keyA, "admin@plans-a.test")
	admB := admin(t, srv, op, idB, keyB, "admin@plans-b.test")
	viewer := member(t, newClient(t, srv.URL).with("X-API-Key", keyA), "viewer@plans-a.test")
	sub := newClient(t, srv.URL).with("Authorization", "Bearer "+viewer["accessToken"].(string))
	viewerB := member(t, newClient(t, srv.URL).with("X-API-Key", keyB), "viewer@plans-b.test")
	subB := newClient(t, srv.URL).with("Authorization", "Bearer "+viewerB["accessToken"].(string))

	// The specification's example, answered with every field as sent, the price an exact number.
	r := adm.call("POST", "/admin/plans", standardHD)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Contains(t, string(r.Raw), `"price":9.99,`)
	require.Equal(t, `"1"`, r.Header.Get("ETag"))
	standard := r.str("id")
	require.Regexp(t, `^[0-9a-f-]{36}$`, standard)
	created, err := time.Parse(time.RFC3339Nano, r.str("created_at"))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now(), created, time.Minute)
	require.Equal(t, r.str("created_at"), r.str("updated_at"))
	want := map[string]any{"id": standard, "name": "Standard HD", "description": "string", "price": 9.99, "currency": "USD",
		"billing_cycle": "monthly", "max_profiles": 1.0, "max_concurrent_streams": 1.0, "max_devices": 1.0, "max_quality": "SD",
		"has_downloads": true, "allow_download_count": 0.0, "has_ads": true, "has_hdr": true, "has_dolby_atmos": true,
		"trial_days": 0.0, "is_active": true, "created_at": r.str("created_at"), "updated_at": r.str("updated_at")}
	require.Equal(t, want, r.JSON)
	g := adm.call("GET", "/admin/plans/"+standard, nil)
	require.Equal(t, http.StatusOK, g.Status, string(g.Raw))
	require.Equal(t, want, g.JSON, "read back exactly as created")
	require.Equal(t, `"1"`, g.Header.Get("ETag"))

	// Defaults and exactness: optional fields absent; minor digits written out; currencies
	// without minor units; null download count is unlimited.
	r = adm.call("POST", "/admin/plans", planBody(map[string]any{"name": "Basic", "price": 19.9}))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Contains(t, string(r.Raw), `"price":19.90,`)
	require.Equal(t, "", r.str("description"))
	require.Nil(t, r.JSON["allow_download_count"], "absent is unlimited")
	require.Equal(t, false, r.JSON["has_hdr"])
	require.Equal(t, false, r.JSON["has_dolby_atmos"])
	require.Equal(t, 0.0, r.JSON["trial_days"])
	basic := r.str("id")
	r = adm.call("POST", "/admin/plans", planBody(map[string]any{"name": "Yen", "price": 1200, "currency": "jpy",
		"allow_download_count": nil, "trial_days": 14, "billing_cycle": "annual"}))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Contains(t, string(r.Raw), `"price":1200,`)
	require.Equal(t, "JPY", r.str("currency"))
	require.Equal(t, 14.0, r.JSON["trial_days"])
	yen := r.str("id")
	r = adm.call("POST", "/admin/plans", `{"name": "Big", "price": 9999999999.99, "currency": "USD", "billing_cycle": "quarterly",
		"max_profiles": 6, "max_concurrent_streams": 8, "max_devices": 20, "max_quality": "UHD_8K", "has_downloads": true,
		"allow_download_count": null, "has_ads": false, "is_active": true}`)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Contains(t, string(r.Raw), `"price":9999999999.99,`, "large prices stay exact")
	big := r.str("id")

	// Bad input names the field and why; malformed JSON is a 400; none of it is a 500.
	for _, c := range []struct {
		body  any
		field string
	}{
		{planBody(map[string]any{"price": 9.999}), "price"},
		{planBody(map[string]any{"price": 9.5, "currency": "JPY"}), "price"},
		{planBody(map[string]any{"price": -1}), "price"},
		{planBody(map[string]any{"price": "9.99"}), "price"},
		{`{"name": "E", "price": 1e2, "currency": "USD", "billing_cycle": "monthly", "max_profiles": 1, "max_concurrent_streams": 1,
			"max_devices": 1, "max_quality": "SD", "has_downloads": false, "has_ads": false, "is_active": true}`, "price"},
		{planBody(map[string]any{"currency": "XYZ"}), "currency"},
		{planBody(map[string]any{"currency": "US"}), "currency"},
		{planBody(map[string]any{"billing_cycle": "weekly"}), "billing_cycle"},
		{planBody(map[string]any{"max_profiles": 7}), "max_profiles"},
		{planBody(map[string]any{"max_concurrent_streams": 0}), "max_concurrent_streams"},
		{planBody(map[string]any{"max_devices": 21}), "max_devices"},
		{planBody(map[string]any{"max_quality": "4K"}), "max_quality"},
		{planBody(map[string]any{"trial_days": -1}), "trial_days"},
		{planBody(map[string]any{"has_downloads": false, "allow_download_count": 3}), "allow_download_count"},
		{planBody(map[string]any{"name": "  "}), "name"},
		{planBody(map[string]any{"name": strings.Repeat("n", 101)}), "name"},
		{planBody(map[string]any{"has_ads": nil}), "has_ads"},
		{planBody(map[string]any{"is_active": nil}), "is_active"},
	} {
		d := adm.call("POST", "/admin/plans", c.body).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
		require.Contains(t, fields(d), c.field, "%v", c.body)
		for _, det := range d {
			require.NotEmpty(t, det.(map[string]any)["reason"])
		}
	}
	adm.call("POST", "/admin/plans", `{"name": "Broken",`).flatError(t, http.StatusBadRequest, "BAD_REQUEST")

	// Every plan, active or not, in creation order, page by page.
	all := []string{standard, basic, yen, big}
	r = adm.call("GET", "/admin/plans?limit=3", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	meta := r.JSON["meta"].(map[string]any)
	require.Equal(t, true, meta["has_more"])
	require.Equal(t, 3.0, meta["limit"])
	first := dataIDs(r)
	require.Len(t, first, 3)
	require.IsIncreasing(t, first, "in id order, which is creation order")
	r = adm.call("GET", "/admin/plans?limit=3&cursor="+meta["next_cursor"].(string), nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Len(t, dataIDs(r), 1)
	require.ElementsMatch(t, all, append(first, dataIDs(r)...), "the pages hold every plan once")
	require.Equal(t, false, r.JSON["meta"].(map[string]any)["has_more"])
	require.NotContains(t, r.JSON["meta"], "next_cursor")
	r = adm.call("GET", "/admin/plans", nil)
	require.Len(t, dataIDs(r), 4)
	require.Equal(t, 20.0, r.JSON["meta"].(map[string]any)["limit"])
	adm.call("GET", "/admin/plans?limit=101", nil).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	d := adm.call("GET", "/admin/plans?cursor=page-2", nil).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"cursor"}, fields(d))

	// Replace with If-Match: the ETag moves on; a stale one is refused and changes nothing.
	body := planBody(map[string]any{"name": "Standard HD", "description": "Now in full HD", "price": 10.49, "max_quality": "FHD",
		"max_profiles": 2, "allow_download_count": 5, "has_hdr": true})
	r = adm.call("PUT", "/admin/plans/"+standard, body, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, `"2"`, r.Header.Get("ETag"))
	require.Contains(t, string(r.Raw), `"price":10.49,`)
	require.Equal(t, "Now in full HD", r.str("description"))
	require.Equal(t, "FHD", r.str("max_quality"))
	require.Equal(t, 5.0, r.JSON["allow_download_count"])
	require.Equal(t, false, r.JSON["has_dolby_atmos"], "a replace resets what it does not send")
	require.Equal(t, want["created_at"], r.str("created_at"))
	require.NotEqual(t, want["updated_at"], r.str("updated_at"))
	updated := r.JSON
	adm.call("PUT", "/admin/plans/"+standard, planBody(map[string]any{"name": "Lost update"}), "If-Match", `"1"`).
		flatError(t, http.StatusPreconditionFailed, "PRECONDITION_FAILED")
	adm.call("PUT", "/admin/plans/"+standard, planBody(nil), "If-Match", "not-an-etag").
		flatError(t, http.StatusPreconditionFailed, "PRECONDITION_FAILED")
	g = adm.call("GET", "/admin/plans/"+standard, nil)
	require.Equal(t, updated, g.JSON, "the refused replaces changed nothing")
	require.Equal(t, `"2"`, g.Header.Get("ETag"))
	d = adm.call("PUT", "/admin/plans/"+standard, planBody(map[string]any{"price": 1.001}), "If-Match", `"2"`).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"price"}, fields(d))
	r = adm.call("PUT", "/admin/plans/"+standard, body, "If-Match", `"2"`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, `"2"`, r.Header.Get("ETag"), "a replace that changes nothing is no new version")
	r = adm.call("PUT", "/admin/plans/"+yen, planBody(map[string]any{"name": "Yen", "price": 1500, "currency": "JPY"}))
	require.Equal(t, http.StatusOK, r.Status, "If-Match is recommended, not required: %s", r.Raw)
	require.Equal(t, `"2"`, r.Header.Get("ETag"))

	// Subscribers choose among active plans; deactivating takes a plan out of their list only.
	r = sub.call("GET", "/plans", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.ElementsMatch(t, all, dataIDs(r))
	adm.call("DELETE", "/admin/plans/"+basic, nil, "If-Match", `"7"`).flatError(t, http.StatusPreconditionFailed, "PRECONDITION_FAILED")
	r = adm.call("DELETE", "/admin/plans/"+basic, nil, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, false, r.JSON["is_active"])
	require.Equal(t, "Basic", r.str("name"))
	require.Equal(t, `"2"`, r.Header.Get("ETag"))
	r = adm.call("DELETE", "/admin/plans/"+basic, nil)
	require.Equal(t, http.StatusOK, r.Status, "deactivating twice is harmless: %s", r.Raw)
	require.Equal(t, `"2"`, r.Header.Get("ETag"))
	r = sub.call("GET", "/plans", nil)
	require.ElementsMatch(t, []string{standard, yen, big}, dataIDs(r))
	r = sub.call("GET", "/plans?limit=2", nil)
	require.Len(t, dataIDs(r), 2)
	r = sub.call("GET", "/plans?limit=2&cursor="+r.JSON["meta"].(map[string]any)["next_cursor"].(string), nil)
	require.Len(t, dataIDs(r), 1)
	require.Equal(t, false, r.JSON["meta"].(map[string]any)["has_more"])
	require.Len(t, dataIDs(adm.call("GET", "/admin/plans", nil)), 4, "admins still see the inactive plan")
	require.Equal(t, false, adm.call("GET", "/admin/plans/"+basic, nil).JSON["is_active"])
	r = adm.call("PUT", "/admin/plans/"+basic, planBody(map[string]any{"name": "Basic", "price": 19.9}), "If-Match", `"2"`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, true, r.JSON["is_active"], "a replace may reactivate a plan")
	require.Len(t, dataIDs(sub.call("GET", "/plans", nil)), 4)

	// Every change is in the audit log, with who made it.
	r = adm.call("GET", "/admin/audit-log?target_id="+standard, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	recs := r.JSON["data"].([]any)
	require.Len(t, recs, 2)
	upd := recs[0].(map[string]any)
	require.Equal(t, "plan.updated", upd["action"])
	require.Equal(t, "plan", upd["target_kind"])
	require.ElementsMatch(t, []any{"description", "price", "max_profiles", "max_quality", "allow_download_count", "has_ads",
		"has_dolby_atmos", "max_concurrent_streams", "max_devices"}, upd["details"].(map[string]any)["changed"])
	require.Equal(t, "plan.created", recs[1].(map[string]any)["action"])
	r = adm.call("GET", "/admin/audit-log?target_id="+basic, nil)
	var actions []string
	for _, rec := range r.JSON["data"].([]any) {
		actions = append(actions, rec.(map[string]any)["action"].(string))
	}
	require.Equal(t, []string{"plan.updated", "plan.deactivated", "plan.created"}, actions)

	// A subscriber may list the plans but not manage them; nobody unsigned may list them.
	sub.call("GET", "/admin/plans", nil).flatError(t, http.StatusForbidden, "FORBIDDEN")
	sub.call("GET", "/admin/plans/"+standard, nil).flatError(t, http.StatusForbidden, "FORBIDDEN")
	sub.call("POST", "/admin/plans", standardHD).flatError(t, http.StatusForbidden, "FORBIDDEN")
	sub.call("PUT", "/admin/plans/"+standard, body).flatError(t, http.StatusForbidden, "FORBIDDEN")
	sub.call("DELETE", "/admin/plans/"+standard, nil).flatError(t, http.StatusForbidden, "FORBIDDEN")
	newClient(t, srv.URL).with("X-API-Key", keyA).call("GET", "/plans", nil).flatError(t, http.StatusUnauthorized, "UNAUTHORIZED")

	// Another client's admin and subscribers reach none of it.
	for _, id := range all {
		admB.call("GET", "/admin/plans/"+id, nil).flatError(t, http.StatusNotFound, "PLAN_NOT_FOUND")
		admB.call("PUT", "/admin/plans/"+id, planBody(nil)).flatError(t, http.StatusNotFound, "PLAN_NOT_FOUND")
		admB.call("DELETE", "/admin/plans/"+id, nil).flatError(t, http.StatusNotFound, "PLAN_NOT_FOUND")
	}
	require.Empty(t, dataIDs(admB.call("GET", "/admin/plans", nil)))
	require.Empty(t, dataIDs(subB.call("GET", "/plans", nil)))
	require.Empty(t, dataIDs(admB.call("GET", "/admin/plans?cursor="+standard, nil)), "a cursor of A's shows nothing of A")
	adm.call("GET", "/admin/plans/not-a-uuid", nil).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	adm.call("GET", "/admin/plans/01a20000-0000-7000-8000-000000000000", nil).flatError(t, http.StatusNotFound, "PLAN_NOT_FOUND")
	r = adm.call("GET", "/admin/plans/"+standard, nil)
	require.Equal(t, updated, r.JSON, "B changed nothing of A")
}
