package e2e

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// admin creates an admin of the tenant through the platform and signs them in through the app.
func admin(t testing.TB, srv *harness.Server, op *client, tenantID, key, email string) *client {
	t.Helper()
	r := op.call("POST", "/platform/tenants/"+tenantID+"/admins", map[string]string{"email": email, "password": demoPassword, "name": "Admin"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Contains(t, r.JSON["roles"], "admin")
	r = newClient(t, srv.URL).with("X-API-Key", key).call("POST", "/auth/login", map[string]string{"email": email, "password": demoPassword})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	return newClient(t, srv.URL).with("Authorization", "Bearer "+r.JSON["data"].(map[string]any)["accessToken"].(string))
}

func TestAdminManagesUsers(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "adm-a", nil)
	idB, keyB := onboard(t, op, "adm-b", nil)
	appA := newClient(t, srv.URL).with("X-API-Key", keyA)
	adminA := admin(t, srv, op, idA, keyA, "boss@a.test")
	adminB := admin(t, srv, op, idB, keyB, "boss@b.test")
	carol := member(t, appA, "carol@a.test")
	carolID := carol["user"].(map[string]any)["id"].(string)
	carolTok := newClient(t, srv.URL).with("Authorization", "Bearer "+carol["accessToken"].(string))
	member(t, appA, "dave@a.test")
	op.call("POST", "/platform/tenants/01a200dc-0000-7000-8000-000000000000/admins",
		map[string]string{"email": "x@x.test", "password": demoPassword, "name": "X"}).flatError(t, http.StatusNotFound, "TENANT_NOT_FOUND")

	// Listing with filters and cursor pagination.
	r := adminA.call("GET", "/admin/users?limit=2", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Len(t, r.JSON["data"], 2)
	meta := r.JSON["meta"].(map[string]any)
	require.Equal(t, true, meta["has_more"])
	r = adminA.call("GET", "/admin/users?limit=2&cursor="+meta["next_cursor"].(string), nil)
	require.Len(t, r.JSON["data"], 1)
	require.Equal(t, false, r.JSON["meta"].(map[string]any)["has_more"])
	r = adminA.call("GET", "/admin/users?q=carol", nil)
	require.Len(t, r.JSON["data"], 1)
	require.Len(t, adminA.call("GET", "/admin/users?role=admin", nil).JSON["data"], 1)
	require.Len(t, adminA.call("GET", "/admin/users?status=suspended", nil).JSON["data"], 0)
	require.Len(t, adminA.call("GET", "/admin/users?created_after=2000-01-01T00:00:00Z&created_before=2999-01-01T00:00:00Z", nil).JSON["data"], 3)
	adminA.call("GET", "/admin/users?status=frozen", nil).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	adminA.call("GET", "/admin/users?created_after=yesterday", nil).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")

	// Another client's admin sees none of it.
	require.Len(t, adminB.call("GET", "/admin/users", nil).JSON["data"], 1)
	adminB.call("GET", "/admin/users/"+carolID, nil).flatError(t, http.StatusNotFound, "USER_NOT_FOUND")
	adminB.call("POST", "/admin/users/"+carolID+"/suspend", map[string]string{"reason": "x"}).flatError(t, http.StatusNotFound, "USER_NOT_FOUND")

	// Suspension: reason required; every session ends; sign-in answers 403; audit-logged.
	adminA.call("POST", "/admin/users/"+carolID+"/suspend", map[string]string{"reason": ""}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	r = adminA.call("GET", "/admin/users/"+carolID, nil)
	etag := r.Header.Get("ETag")
	adminA.call("POST", "/admin/users/"+carolID+"/suspend", map[string]string{"reason": "chargeback"}, "If-Match", `"99"`).
		flatError(t, http.StatusPreconditionFailed, "PRECONDITION_FAILED")
	r = adminA.call("POST", "/admin/users/"+carolID+"/suspend", map[string]string{"reason": "chargeback"}, "If-Match", etag)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, "suspended", r.str("status"))
	carolTok.call("GET", "/users/me", nil).flatError(t, http.StatusUnauthorized, "SESSION_REVOKED")
	appA.call("POST", "/auth/login", map[string]string{"email": "carol@a.test", "password": demoPassword}).
		envelopedError(t, http.StatusForbidden, "ACCOUNT_SUSPENDED")
	appA.call("POST", "/auth/refresh", map[string]string{"refreshToken": carol["refreshToken"].(string)}).
		envelopedError(t, http.StatusUnauthorized, "INVALID_REFRESH_TOKEN")

	r = adminA.call("POST", "/admin/users/"+carolID+"/reinstate", map[string]string{"reason": "resolved"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, "active", r.str("status"))
	require.Equal(t, http.StatusOK, appA.call("POST", "/auth/login", map[string]string{"email": "carol@a.test", "password": demoPassword}).Status)

	// Roles: admin may grant admin, not superadmin.
	r = adminA.call("PATCH", "/admin/users/"+carolID, map[string]any{"roles": []string{"subscriber", "admin"}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.ElementsMatch(t, []any{"subscriber", "admin"}, r.JSON["roles"])
	adminA.call("PATCH", "/admin/users/"+carolID, map[string]any{"roles": []string{"superadmin"}}).
		flatError(t, http.StatusForbidden, "SUPERADMIN_REQUIRED")
	adminA.call("PATCH", "/admin/users/"+carolID, map[string]any{"roles": []string{"emperor"}}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	adminA.call("PATCH", "/admin/users/"+carolID, map[string]any{"status": "suspended"}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")

	// The audit log tells who did what, newest first, only in this client.
	r = adminA.call("GET", "/admin/audit-log", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	var actions []string
	for _, rec := range r.JSON["data"].([]any) {
		actions = append(actions, rec.(map[string]any)["action"].(string))
	}
	require.Equal(t, []string{"user.update", "user.reinstate", "user.suspend", "user.create_admin"}, actions)
	susp := r.JSON["data"].([]any)[2].(map[string]any)
	require.Equal(t, "chargeback", susp["reason"])
	require.Equal(t, carolID, susp["target_id"])
	require.Equal(t, "user", susp["actor_kind"])
	create := r.JSON["data"].([]any)[3].(map[string]any)
	require.Equal(t, "operator", create["actor_kind"])
	require.Len(t, adminA.call("GET", "/admin/audit-log?action=user.suspend", nil).JSON["data"], 1)
	require.Len(t, adminB.call("GET", "/admin/audit-log", nil).JSON["data"], 1)
}

func TestPartnerStaffSignIn(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "gym-client", nil)
	p1 := op.call("POST", "/platform/tenants/"+idA+"/partners", map[string]string{"name": "Gym One"}).str("id")
	p2 := op.call("POST", "/platform/tenants/"+idA+"/partners", map[string]string{"name": "Gym Two"}).str("id")
	for _, s := range []struct{ partner, email string }{{p1, "owner@one.test"}, {p2, "owner@two.test"}} {
		r := op.call("POST", "/platform/partners/"+s.partner+"/staff", map[string]string{
			"email": s.email, "password": demoPassword, "name": "Owner", "role": "owner"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	}
	// Staff emails are unique on the whole platform: staff sign in with email and password alone.
	idB, _ := onboard(t, op, "other-client", nil)
	pB := op.call("POST", "/platform/tenants/"+idB+"/partners", map[string]string{"name": "B"}).str("id")
	op.call("POST", "/platform/partners/"+pB+"/staff", map[string]string{"email": "owner@one.test", "password": demoPassword,
		"name": "Clone", "role": "viewer"}).flatError(t, http.StatusConflict, "EMAIL_TAKEN")

	portal := newClient(t, srv.URL)
	portal.call("POST", "/partner-auth/login", map[string]string{"email": "owner@one.test", "password": "wrong password"}).
		envelopedError(t, http.StatusUnauthorized, "INVALID_CREDENTIALS")
	portal.call("POST", "/partner-auth/login", map[string]string{"email": "ghost@one.test", "password": demoPassword}).
		envelopedError(t, http.StatusUnauthorized, "INVALID_CREDENTIALS")
	r := portal.call("POST", "/partner-auth/login", map[string]string{"email": "Owner@One.test", "password": demoPassword})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	d := r.JSON["data"].(map[string]any)
	require.Equal(t, p1, d["staff"].(map[string]any)["partnerId"])
	staff := portal.with("Authorization", "Bearer "+d["accessToken"].(string))

	r = staff.call("GET", "/partner-auth/me", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	me := r.JSON["data"].(map[string]any)
	require.Equal(t, "owner", me["role"])
	require.Equal(t, "Gym One", me["partner"].(map[string]any)["name"])
	require.Equal(t, idA, me["client"].(map[string]any)["id"])
	require.Equal(t, "gym-client", me["client"].(map[string]any)["slug"])

	r = portal.call("POST", "/partner-auth/refresh", map[string]string{"refreshToken": d["refreshToken"].(string)})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	refreshed := portal.with("Authorization", "Bearer "+r.JSON["data"].(map[string]any)["accessToken"].(string))
	require.Equal(t, http.StatusOK, refreshed.call("GET", "/partner-auth/me", nil).Status)
	portal.call("POST", "/partner-auth/refresh", map[string]string{"refreshToken": d["refreshToken"].(string)}).
		envelopedError(t, http.StatusUnauthorized, "INVALID_REFRESH_TOKEN")

	// Staff tokens are not subscriber, admin or operator tokens; a subscriber refresh token is not a staff one.
	staffTok := r.JSON["data"].(map[string]any)["accessToken"].(string)
	newClient(t, srv.URL).with("Authorization", "Bearer "+staffTok).call("GET", "/users/me", nil).
		flatError(t, http.StatusUnauthorized, "INVALID_TOKEN")
	newClient(t, srv.URL).with("Authorization", "Bearer "+staffTok).call("GET", "/platform/tenants", nil).
		flatError(t, http.StatusUnauthorized, "INVALID_TOKEN")
	sub := member(t, newClient(t, srv.URL).with("X-API-Key", keyA), "member@a.test")
	portal.call("POST", "/partner-auth/refresh", map[string]string{"refreshToken": sub["refreshToken"].(string)}).
		envelopedError(t, http.StatusUnauthorized, "INVALID_REFRESH_TOKEN")
	newClient(t, srv.URL).with("Authorization", "Bearer "+sub["accessToken"].(string)).call("GET", "/partner-auth/me", nil).
		envelopedError(t, http.StatusUnauthorized, "INVALID_TOKEN")

	// A suspended client's staff can neither sign in nor use their tokens.
	r = portal.call("POST", "/partner-auth/login", map[string]string{"email": "owner@two.test", "password": demoPassword})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	two := portal.with("Authorization", "Bearer "+r.JSON["data"].(map[string]any)["accessToken"].(string))
	require.Equal(t, "Gym Two", two.call("GET", "/partner-auth/me", nil).JSON["data"].(map[string]any)["partner"].(map[string]any)["name"])
	require.Equal(t, http.StatusOK, op.call("PATCH", "/platform/tenants/"+idA, map[string]any{"status": "suspended"}).Status)
	portal.call("POST", "/partner-auth/login", map[string]string{"email": "owner@one.test", "password": demoPassword}).
		envelopedError(t, http.StatusForbidden, "ACCOUNT_SUSPENDED")
	two.call("GET", "/partner-auth/me", nil).envelopedError(t, http.StatusForbidden, "TENANT_SUSPENDED")
}
