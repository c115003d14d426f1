package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// TestOperatorOnboardsClient drives the whole platform surface as an operator would with curl.
func TestOperatorOnboardsClient(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)

	r := op.call("POST", "/platform/tenants", map[string]any{
		"name": "Acme Fitness", "slug": "acme",
		"branding": map[string]string{"primary_color": "#112233", "logo_url": "https://cdn.acme.test/logo.png"},
		"features": map[string]bool{"vouchers": true}, "rate_limit": map[string]int{"requests_per_minute": 300},
	})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	id := r.str("id")
	require.Equal(t, "active", r.str("status"))
	require.Equal(t, "Acme Fitness", r.JSON["branding"].(map[string]any)["display_name"])
	require.Equal(t, `"1"`, r.Header.Get("ETag"))

	r = op.call("GET", "/platform/tenants/"+id, nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, "acme", r.str("slug"))

	// Optimistic concurrency: a stale If-Match is refused and changes nothing.
	r = op.call("PATCH", "/platform/tenants/"+id, map[string]any{"name": "Acme"}, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, `"2"`, r.Header.Get("ETag"))
	op.call("PATCH", "/platform/tenants/"+id, map[string]any{"name": "Lost update"}, "If-Match", `"1"`).
		flatError(t, http.StatusPreconditionFailed, "PRECONDITION_FAILED")
	require.Equal(t, "Acme", op.call("GET", "/platform/tenants/"+id, nil).str("name"))

	// API keys: the secret once, then only the prefix.
	r = op.call("POST", "/platform/tenants/"+id+"/api-keys", map[string]string{"name": "iOS"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	key, keyID, prefix := r.str("key"), r.str("id"), r.str("prefix")
	require.True(t, strings.HasPrefix(key, prefix+"_"))
	require.Equal(t, "no-store", r.Header.Get("Cache-Control"))
	r = op.call("GET", "/platform/tenants/"+id+"/api-keys", nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.NotContains(t, string(r.Raw), key, "the secret is never shown again")
	require.Contains(t, string(r.Raw), prefix)

	app := newClient(t, srv.URL).with("X-API-Key", key)
	require.Equal(t, http.StatusOK, app.call("GET", "/app/strings", nil).Status)
	// Uses are written in batches (STVOS_KEY_USE_INTERVAL, 100ms in the harness), never by the
	// request itself.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		r := op.call("GET", "/platform/tenants/"+id+"/api-keys", nil)
		assert.NotEmpty(c, r.JSON["data"].([]any)[0].(map[string]any)["last_used_at"], "the key's last use is recorded")
	}, 10*time.Second, 50*time.Millisecond)

	// Partners and staff.
	r = op.call("POST", "/platform/tenants/"+id+"/partners", map[string]string{"name": "Gym One"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	partnerID := r.str("id")
	require.Equal(t, id, r.str("tenant_id"))
	r = op.call("POST", "/platform/partners/"+partnerID+"/staff", map[string]string{
		"email": "Owner@Gym.test", "password": "a long enough password", "name": "Owner", "role": "owner"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, "owner@gym.test", r.str("email"))
	require.NotContains(t, string(r.Raw), "password")
	op.call("POST", "/platform/partners/"+partnerID+"/staff", map[string]string{
		"email": "owner@gym.test", "password": "a long enough password", "name": "Twin", "role": "admin"}).
		flatError(t, http.StatusConflict, "EMAIL_TAKEN")
	r = op.call("GET", "/platform/partners/"+partnerID+"/staff", nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.Len(t, r.JSON["data"], 1)
	r = op.call("GET", "/platform/tenants/"+id+"/partners", nil)
	require.Len(t, r.JSON["data"], 1)

	// Revocation takes effect on the next request; revoking again changes nothing.
	r = op.call("DELETE", "/platform/tenants/"+id+"/api-keys/"+keyID, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, "revoked", r.str("status"))
	app.call("GET", "/app/strings", nil).envelopedError(t, http.StatusUnauthorized, "INVALID_API_KEY")
	require.Equal(t, http.StatusOK, op.call("DELETE", "/platform/tenants/"+id+"/api-keys/"+keyID, nil).Status)
}

func TestTenantListIsCursorPaginated(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	for _, s := range []string{"c1", "c2", "c3"} {
		onboard(t, op, s, nil)
	}
	var seen []string
	cursor := ""
	for range 5 {
		r := op.call("GET", "/platform/tenants?limit=2&cursor="+cursor, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
		for _, d := range r.JSON["data"].([]any) {
			seen = append(seen, d.(map[string]any)["slug"].(string))
		}
		meta := r.JSON["meta"].(map[string]any)
		if meta["has_more"] == false {
			break
		}
		cursor = meta["next_cursor"].(string)
	}
	require.Equal(t, []string{"c1", "c2", "c3"}, seen)
	op.call("GET", "/platform/tenants?limit=500", nil).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	op.call("GET", "/platform/tenants?cursor=garbage", nil).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
}

func TestOperatorSessions(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	_, err := bootstrap(srv, "ops@stvos.test")
	require.NoError(t, err)
	c := newClient(t, srv.URL)

	c.call("POST", "/platform/auth/login", map[string]string{"email": "ops@stvos.test", "password": "wrong password"}).
		flatError(t, http.StatusUnauthorized, "INVALID_CREDENTIALS")
	c.call("POST", "/platform/auth/login", map[string]string{"email": "nobody@stvos.test", "password": demoPassword}).
		flatError(t, http.StatusUnauthorized, "INVALID_CREDENTIALS")

	r := c.call("POST", "/platform/auth/login", map[string]string{"email": "OPS@stvos.test", "password": demoPassword})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, "Bearer", r.str("token_type"))
	require.EqualValues(t, 900, r.JSON["expires_in"])
	first := r.str("refresh_token")

	r = c.call("POST", "/platform/auth/refresh", map[string]string{"refresh_token": first})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	second := r.str("refresh_token")
	require.NotEqual(t, first, second)
	access := r.str("access_token")
	require.Equal(t, http.StatusOK, c.with("Authorization", "Bearer "+access).call("GET", "/platform/tenants", nil).Status)

	// Reusing the rotated token means it was copied: the whole session ends.
	c.call("POST", "/platform/auth/refresh", map[string]string{"refresh_token": first}).
		flatError(t, http.StatusUnauthorized, "INVALID_REFRESH_TOKEN")
	c.call("POST", "/platform/auth/refresh", map[string]string{"refresh_token": second}).
		flatError(t, http.StatusUnauthorized, "INVALID_REFRESH_TOKEN")

	// Tokens that are not ours get 401 in the platform's format.
	for _, tok := range []string{"", "garbage", access + "x",
		"eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4Iiwia25kIjoib3BlcmF0b3IiLCJyb2xlcyI6WyJzdXBlcmFkbWluIl19."} {
		r := c.with("Authorization", "Bearer "+tok).call("GET", "/platform/tenants", nil)
		require.Equal(t, http.StatusUnauthorized, r.Status, tok)
		require.Contains(t, []string{"INVALID_TOKEN", "UNAUTHORIZED"}, r.str("code"))
	}
}

// TestBootstrapIsIdempotent runs the bootstrap command's use case twice.
func TestBootstrapIsIdempotent(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	first, err := bootstrap(srv, "root@stvos.test")
	require.NoError(t, err)
	require.True(t, first.Created)
	again, err := bootstrap(srv, "ROOT@stvos.test")
	require.NoError(t, err)
	require.False(t, again.Created)
	require.Equal(t, first.ID, again.ID)
}

// TestSigningKeyIsKeptInTheDatabase starts two servers with no signing key configured: the first
// generates one and keeps it, and a token it issues is accepted by the second.
func TestSigningKeyIsKeptInTheDatabase(t *testing.T) {
	t.Parallel()
	b := harness.NewBackends(t)
	own := map[string]string{"STVOS_SIGNING_KEY_FILE": ""}
	one := harness.StartServerOn(t, b, own)
	two := harness.StartServerOn(t, b, own)
	op := operator(t, one)
	op.base = two.URL
	r := op.call("GET", "/platform/tenants", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
}
