package e2e

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// TestChangesReachEveryProcessAtOnce runs two servers sharing PostgreSQL and Redis, each with its
// own application graph and so its own caches of API keys, tenants and verified tokens, as two
// `stvos serve` processes behind a load balancer. Every change made through one is obeyed by the
// other on the very next request, although the other had the credentials cached: no sleep, no
// retry.
func TestChangesReachEveryProcessAtOnce(t *testing.T) {
	t.Parallel()
	b := harness.NewBackends(t)
	one, two := harness.StartServerOn(t, b), harness.StartServerOn(t, b)
	op := operator(t, one)
	tenantID, key := onboard(t, op, "cached", map[string]string{"st_aboutus": "<p>About</p>"})
	spare := op.call("POST", "/platform/tenants/"+tenantID+"/api-keys", map[string]string{"name": "spare"}).str("key")
	appOne := newClient(t, one.URL).with("X-API-Key", key)
	appTwo := newClient(t, two.URL).with("X-API-Key", key)
	spareTwo := newClient(t, two.URL).with("X-API-Key", spare)

	// A subscriber and an admin, signed in through server one; both servers have everything cached.
	access := func(email string) string {
		d := member(t, appOne, email)
		return d["accessToken"].(string)
	}
	userTwo := newClient(t, two.URL).with("Authorization", "Bearer "+access("ann@cached.test"))
	r := op.call("POST", "/platform/tenants/"+tenantID+"/admins", map[string]string{"email": "boss@cached.test", "password": demoPassword, "name": "Boss"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	r = appOne.call("POST", "/auth/login", map[string]string{"email": "boss@cached.test", "password": demoPassword})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	adminOne := newClient(t, one.URL).with("Authorization", "Bearer "+r.JSON["data"].(map[string]any)["accessToken"].(string))
	warm := func() {
		t.Helper()
		for range 3 {
			require.Equal(t, http.StatusOK, appTwo.call("GET", "/app/strings", nil).Status)
			require.Equal(t, http.StatusOK, spareTwo.call("GET", "/app/strings", nil).Status)
			require.Equal(t, http.StatusOK, userTwo.call("GET", "/users/me", nil).Status)
		}
	}
	warm()

	// A changed setting: the client's own rate limit applies on server two at once.
	r = op.call("PATCH", "/platform/tenants/"+tenantID, map[string]any{"rate_limit": map[string]int{"requests_per_minute": 1000, "burst": 77}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, "77", appTwo.call("GET", "/app/strings", nil).Header.Get("RateLimit-Limit"))

	// Suspending the client refuses its keys and its users' tokens on server two at once; resuming
	// lets them in again at once.
	r = op.call("PATCH", "/platform/tenants/"+tenantID, map[string]any{"status": "suspended"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	appTwo.call("GET", "/app/strings", nil).envelopedError(t, http.StatusForbidden, "TENANT_SUSPENDED")
	userTwo.call("GET", "/users/me", nil).flatError(t, http.StatusForbidden, "TENANT_SUSPENDED")
	r = op.call("PATCH", "/platform/tenants/"+tenantID, map[string]any{"status": "active"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	warm()

	// Revoking a key refuses it on server two at once; the client's other key still works.
	keys := op.call("GET", "/platform/tenants/"+tenantID+"/api-keys", nil).JSON["data"].([]any)
	var keyID string
	for _, k := range keys {
		if k := k.(map[string]any); k["name"] == "spare" {
			keyID = k["id"].(string)
		}
	}
	require.NotEmpty(t, keyID)
	require.Equal(t, http.StatusOK, op.call("DELETE", "/platform/tenants/"+tenantID+"/api-keys/"+keyID, nil).Status)
	spareTwo.call("GET", "/app/strings", nil).envelopedError(t, http.StatusUnauthorized, "INVALID_API_KEY")
	require.Equal(t, http.StatusOK, appTwo.call("GET", "/app/strings", nil).Status)

	// Changing a user's roles through server one ends their sessions: server two refuses the token.
	userID := userTwo.call("GET", "/users/me", nil).str("id")
	r = adminOne.call("PATCH", "/admin/users/"+userID, map[string]any{"roles": []string{"subscriber", "partner"}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	userTwo.call("GET", "/users/me", nil).flatError(t, http.StatusUnauthorized, "SESSION_REVOKED")

	// Signing out through server one ends the session on server two at once.
	token := access("bob@cached.test")
	bobTwo := newClient(t, two.URL).with("Authorization", "Bearer "+token)
	require.Equal(t, http.StatusOK, bobTwo.call("GET", "/users/me", nil).Status)
	r = newClient(t, one.URL).with("X-API-Key", key).with("Authorization", "Bearer "+token).call("POST", "/auth/logout", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	bobTwo.call("GET", "/users/me", nil).flatError(t, http.StatusUnauthorized, "SESSION_REVOKED")
}
