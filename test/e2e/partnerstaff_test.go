package e2e

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

func staffEmails(t *testing.T, r response) []string {
	t.Helper()
	var out []string
	for _, s := range data(t, r, http.StatusOK)["staff"].([]any) {
		out = append(out, s.(map[string]any)["email"].(string))
	}
	return out
}

// TestPartnerStaffManagement: a partner's owner lists, adds, re-roles and removes their staff on
// the partner surface; admins and viewers are refused (403); another partner's staff are not
// found (404); an owner cannot change themselves and the last owner stays.
func TestPartnerStaffManagement(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	tenantID, key := onboard(t, op, "staff-client", nil)
	p1, owner := partnerStaff(t, srv, op, tenantID, "Gym One", "owner@staff-one.test", "owner")
	staffOf(t, srv, op, p1, "admin@staff-one.test", "admin")
	adminStaff := signInStaff(t, srv, "admin@staff-one.test")
	_, rival := partnerStaff(t, srv, op, tenantID, "Gym Two", "owner@staff-two.test", "owner")
	ownerID := data(t, owner.call("GET", "/partner-auth/me", nil), http.StatusOK)["id"].(string)

	// The owner sees their partner's staff, never another partner's.
	require.ElementsMatch(t, []string{"owner@staff-one.test", "admin@staff-one.test"}, staffEmails(t, owner.call("GET", "/partner/staff", nil)))
	require.Equal(t, []string{"owner@staff-two.test"}, staffEmails(t, rival.call("GET", "/partner/staff", nil)))

	// Adding a viewer: checked fields, then created; the viewer signs in and may not generate codes.
	bad := owner.call("POST", "/partner/staff", map[string]string{"email": "nope", "name": "", "role": "owner", "password": "short"})
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status, string(bad.Raw))
	v := data(t, owner.call("POST", "/partner/staff", map[string]string{
		"email": "viewer@staff-one.test", "name": "Vera Viewer", "role": "viewer", "password": demoPassword}), http.StatusCreated)
	require.Equal(t, "viewer", v["role"])
	require.Equal(t, p1, v["partnerId"])
	viewerID := v["id"].(string)
	owner.call("POST", "/partner/staff", map[string]string{"email": "viewer@staff-one.test", "name": "Again", "role": "viewer",
		"password": demoPassword}).envelopedError(t, http.StatusConflict, "EMAIL_TAKEN")
	viewer := signInStaff(t, srv, "viewer@staff-one.test")
	viewer.with("X-API-Key", key).call("POST", "/partner/vouchers", map[string]any{"quantity": 1}).
		envelopedError(t, http.StatusForbidden, "FORBIDDEN")

	// Admins and viewers manage no staff.
	for _, c := range []*client{adminStaff, viewer} {
		c.call("GET", "/partner/staff", nil).envelopedError(t, http.StatusForbidden, "FORBIDDEN")
		c.call("POST", "/partner/staff", map[string]string{"email": "x@staff-one.test", "name": "X", "role": "viewer",
			"password": demoPassword}).envelopedError(t, http.StatusForbidden, "FORBIDDEN")
		c.call("PATCH", "/partner/staff/"+viewerID, map[string]string{"role": "admin"}).envelopedError(t, http.StatusForbidden, "FORBIDDEN")
		c.call("DELETE", "/partner/staff/"+viewerID, nil).envelopedError(t, http.StatusForbidden, "FORBIDDEN")
	}

	// Another partner's owner cannot see or touch them.
	rival.call("PATCH", "/partner/staff/"+viewerID, map[string]string{"role": "admin"}).envelopedError(t, http.StatusNotFound, "STAFF_NOT_FOUND")
	rival.call("DELETE", "/partner/staff/"+viewerID, nil).envelopedError(t, http.StatusNotFound, "STAFF_NOT_FOUND")

	// An owner cannot change or remove themselves; the partner keeps an owner.
	owner.call("DELETE", "/partner/staff/"+ownerID, nil).envelopedError(t, http.StatusConflict, "CANNOT_CHANGE_SELF")
	owner.call("PATCH", "/partner/staff/"+ownerID, map[string]string{"role": "viewer"}).envelopedError(t, http.StatusConflict, "CANNOT_CHANGE_SELF")

	// A role change ends the member's sign-ins; the new role applies at the next sign-in.
	p := data(t, owner.call("PATCH", "/partner/staff/"+viewerID, map[string]string{"role": "admin"}), http.StatusOK)
	require.Equal(t, "admin", p["role"])
	require.Equal(t, http.StatusUnauthorized, viewer.call("GET", "/partner-auth/me", nil).Status)
	promoted := signInStaff(t, srv, "viewer@staff-one.test").with("X-API-Key", key)
	data(t, promoted.call("POST", "/partner/vouchers", map[string]any{"quantity": 1}), http.StatusCreated)

	// Removing ends their sign-ins at once, forgets the account and frees the email.
	data(t, owner.call("DELETE", "/partner/staff/"+viewerID, nil), http.StatusOK)
	require.Equal(t, http.StatusUnauthorized, promoted.call("GET", "/partner-auth/me", nil).Status)
	r := newClient(t, srv.URL).call("POST", "/partner-auth/login", map[string]string{"email": "viewer@staff-one.test", "password": demoPassword})
	require.Equal(t, http.StatusUnauthorized, r.Status, string(r.Raw))
	owner.call("DELETE", "/partner/staff/"+viewerID, nil).envelopedError(t, http.StatusNotFound, "STAFF_NOT_FOUND")
	require.ElementsMatch(t, []string{"owner@staff-one.test", "admin@staff-one.test"}, staffEmails(t, owner.call("GET", "/partner/staff", nil)))
	data(t, owner.call("POST", "/partner/staff", map[string]string{
		"email": "viewer@staff-one.test", "name": "Vera Again", "role": "viewer", "password": demoPassword}), http.StatusCreated)

	// A second owner may demote the first; then the last owner can neither be demoted nor removed.
	adminID := ""
	for _, s := range data(t, owner.call("GET", "/partner/staff", nil), http.StatusOK)["staff"].([]any) {
		if m := s.(map[string]any); m["email"] == "admin@staff-one.test" {
			adminID = m["id"].(string)
		}
	}
	data(t, owner.call("PATCH", "/partner/staff/"+adminID, map[string]string{"role": "owner"}), http.StatusOK)
	second := signInStaff(t, srv, "admin@staff-one.test")
	data(t, second.call("PATCH", "/partner/staff/"+ownerID, map[string]string{"role": "admin"}), http.StatusOK)
	first := signInStaff(t, srv, "owner@staff-one.test")
	first.call("GET", "/partner/staff", nil).envelopedError(t, http.StatusForbidden, "FORBIDDEN")
	second.call("DELETE", "/partner/staff/"+adminID, nil).envelopedError(t, http.StatusConflict, "CANNOT_CHANGE_SELF")

	// Every change is in the client's audit log, with who made it.
	boss := admin(t, srv, op, tenantID, key, "boss@staff-client.test")
	byAction := func(action string) []map[string]any {
		r := boss.call("GET", "/admin/audit-log?action="+action, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
		var out []map[string]any
		for _, rec := range r.JSON["data"].([]any) {
			out = append(out, rec.(map[string]any))
		}
		return out
	}
	removed := byAction("partner_staff.remove")
	require.Len(t, removed, 1)
	require.Equal(t, viewerID, removed[0]["target_id"])
	require.Equal(t, ownerID, removed[0]["actor_id"])
	require.Len(t, byAction("partner_staff.change_role"), 3)
	created := byAction("partner_staff.create")
	require.Len(t, created, 5, "three by the operator, two by the owner")
	require.Equal(t, "partner_staff", created[0]["actor_kind"])
	require.Equal(t, "operator", created[len(created)-1]["actor_kind"])
}
