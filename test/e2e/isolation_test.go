package e2e

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// TestTenantIsolation proves that one client's credentials never reach another client's data.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "client-a", map[string]string{"st_aboutus": "About A"})
	idB, keyB := onboard(t, op, "client-b", map[string]string{"st_aboutus": "About B"})
	appA := newClient(t, srv.URL).with("X-API-Key", keyA)
	appB := newClient(t, srv.URL).with("X-API-Key", keyB)

	r := appA.call("GET", "/app/strings", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, "About A", r.JSON["data"].([]any)[0].(map[string]any)["st_aboutus"])
	require.NotContains(t, string(r.Raw), "About B")
	r = appB.call("GET", "/app/strings", nil)
	require.Equal(t, "About B", r.JSON["data"].([]any)[0].(map[string]any)["st_aboutus"])

	r = op.call("POST", "/platform/tenants/"+idB+"/partners", map[string]string{"name": "B's gym"})
	require.Equal(t, http.StatusCreated, r.Status)
	partnerB := r.str("id")

	// An API key is not an operator credential: every platform route refuses it, for its own
	// client and for the other one, and changes nothing.
	for _, id := range []string{idA, idB} {
		for _, rt := range []struct{ method, path string }{
			{"GET", "/platform/tenants"}, {"POST", "/platform/tenants"},
			{"GET", "/platform/tenants/" + id}, {"PATCH", "/platform/tenants/" + id},
			{"GET", "/platform/tenants/" + id + "/api-keys"}, {"POST", "/platform/tenants/" + id + "/api-keys"},
			{"DELETE", "/platform/tenants/" + id + "/api-keys/" + id},
			{"GET", "/platform/tenants/" + id + "/partners"}, {"POST", "/platform/tenants/" + id + "/partners"},
			{"GET", "/platform/partners/" + partnerB + "/staff"}, {"POST", "/platform/partners/" + partnerB + "/staff"},
		} {
			r := appA.call(rt.method, rt.path, map[string]any{"name": "hijack", "slug": "hijack", "status": "suspended"})
			require.Equal(t, http.StatusUnauthorized, r.Status, "%s %s: %s", rt.method, rt.path, r.Raw)
			require.Equal(t, "UNAUTHORIZED", r.str("code"))
		}
	}
	require.Equal(t, "active", op.call("GET", "/platform/tenants/"+idB, nil).str("status"))
	require.Len(t, op.call("GET", "/platform/tenants/"+idB+"/partners", nil).JSON["data"], 1)
	require.Len(t, op.call("GET", "/platform/tenants", nil).JSON["data"], 2)

	// A key presented with another tenant's id anywhere in the URL still reads only its own
	// client: the app surface takes the tenant from the key alone.
	r = appA.call("GET", "/app/strings?tenant_id="+idB, nil, "X-Tenant-ID", idB)
	require.NotContains(t, string(r.Raw), "About B")

	// Key ids are per tenant: revoking B's key through A's tenant path finds nothing.
	r = op.call("GET", "/platform/tenants/"+idB+"/api-keys", nil)
	keyIDB := r.JSON["data"].([]any)[0].(map[string]any)["id"].(string)
	op.call("DELETE", "/platform/tenants/"+idA+"/api-keys/"+keyIDB, nil).flatError(t, http.StatusNotFound, "API_KEY_NOT_FOUND")
	require.Equal(t, http.StatusOK, appB.call("GET", "/app/strings", nil).Status)

	// A suspended client's keys are refused at once, in the app surface's format; its
	// neighbour is untouched.
	r = op.call("PATCH", "/platform/tenants/"+idA, map[string]any{"status": "suspended"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	appA.call("GET", "/app/strings", nil).envelopedError(t, http.StatusForbidden, "TENANT_SUSPENDED")
	require.Equal(t, http.StatusOK, appB.call("GET", "/app/strings", nil).Status)

	// Unknown and malformed keys.
	newClient(t, srv.URL).with("X-API-Key", keyB+"x").call("GET", "/app/strings", nil).
		envelopedError(t, http.StatusUnauthorized, "INVALID_API_KEY")
	newClient(t, srv.URL).with("X-API-Key", "stv_aaaaaaaa_bbbb").call("GET", "/app/strings", nil).
		envelopedError(t, http.StatusUnauthorized, "INVALID_API_KEY")
}
