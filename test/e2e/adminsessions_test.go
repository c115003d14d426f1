package e2e

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// An admin sees a user's signed-in devices and signs one out; another client's admin sees none,
// and a subscriber may not call the admin routes.
func TestAdminEndsUserSessions(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "sess-a", nil)
	idB, keyB := onboard(t, op, "sess-b", nil)
	appA := newClient(t, srv.URL).with("X-API-Key", keyA)
	adminA := admin(t, srv, op, idA, keyA, "boss@sess-a.test")
	adminB := admin(t, srv, op, idB, keyB, "boss@sess-b.test")
	erin := member(t, appA, "erin@sess-a.test")
	erinID := erin["user"].(map[string]any)["id"].(string)
	r := newClient(t, srv.URL).with("X-API-Key", keyA).with("User-Agent", "Erin's TV").
		call("POST", "/auth/login", map[string]string{"email": "erin@sess-a.test", "password": demoPassword})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	tv := newClient(t, srv.URL).with("Authorization", "Bearer "+r.JSON["data"].(map[string]any)["accessToken"].(string))
	phone := newClient(t, srv.URL).with("Authorization", "Bearer "+erin["accessToken"].(string))

	r = adminA.call("GET", "/admin/users/"+erinID+"/sessions", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	ss := r.JSON["data"].([]any)
	require.Len(t, ss, 2)
	newest := ss[0].(map[string]any)
	require.Equal(t, "Erin's TV", newest["device"])
	require.Equal(t, false, newest["current"], "the admin's own session is not the user's")

	// Another client's admin and the user herself are refused.
	adminB.call("GET", "/admin/users/"+erinID+"/sessions", nil).flatError(t, http.StatusNotFound, "USER_NOT_FOUND")
	adminB.call("DELETE", "/admin/users/"+erinID+"/sessions/"+newest["id"].(string), nil).flatError(t, http.StatusNotFound, "USER_NOT_FOUND")
	require.Equal(t, http.StatusForbidden, phone.call("GET", "/admin/users/"+erinID+"/sessions", nil).Status)
	adminA.call("DELETE", "/admin/users/"+erinID+"/sessions/01a200dc-0000-7000-8000-000000000000", nil).
		flatError(t, http.StatusNotFound, "SESSION_NOT_FOUND")

	// Signing the TV out ends its tokens at once; the phone stays signed in.
	r = adminA.call("DELETE", "/admin/users/"+erinID+"/sessions/"+newest["id"].(string), nil)
	require.Equal(t, http.StatusNoContent, r.Status, string(r.Raw))
	tv.call("GET", "/users/me", nil).flatError(t, http.StatusUnauthorized, "SESSION_REVOKED")
	require.Equal(t, http.StatusOK, phone.call("GET", "/users/me", nil).Status)
	require.Len(t, adminA.call("GET", "/admin/users/"+erinID+"/sessions", nil).JSON["data"], 1)
	adminA.call("DELETE", "/admin/users/"+erinID+"/sessions/"+newest["id"].(string), nil).
		flatError(t, http.StatusNotFound, "SESSION_NOT_FOUND")

	r = adminA.call("GET", "/admin/audit-log?action=user.end_session", nil)
	require.Len(t, r.JSON["data"], 1)
	rec := r.JSON["data"].([]any)[0].(map[string]any)
	require.Equal(t, erinID, rec["target_id"])
	require.Equal(t, newest["id"], rec["details"].(map[string]any)["session_id"])
}

// The app reads its client's branding with the API key alone.
func TestAppBranding(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	r := op.call("POST", "/platform/tenants", map[string]any{"name": "Brand Co", "slug": "brand-co",
		"branding": map[string]string{"primary_color": "#112233", "logo_url": "https://cdn.brand.test/logo.png"}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	k := op.call("POST", "/platform/tenants/"+r.str("id")+"/api-keys", map[string]string{"name": "app"})
	require.Equal(t, http.StatusCreated, k.Status, string(k.Raw))
	r = newClient(t, srv.URL).with("X-API-Key", k.str("key")).call("GET", "/app/branding", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	b := r.JSON["data"].(map[string]any)
	require.Equal(t, "Brand Co", b["displayName"], "the client's name when it set no display name")
	require.Equal(t, "#112233", b["primaryColor"])
	require.Equal(t, "https://cdn.brand.test/logo.png", b["logoUrl"])
	require.Equal(t, http.StatusUnauthorized, newClient(t, srv.URL).call("GET", "/app/branding", nil).Status)
}
