package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGenericOAuth2ConfiguredSource: an operator configures a client's own source (the generic
// OAuth 2 provider, client secret sealed) on the platform surface, with every URL field guarded;
// a partner of that client then onboards through it end to end against stvos's own /oauth server
// (sign in, code and state back at the return_url, complete, locations, ingest).
func TestGenericOAuth2ConfiguredSource(t *testing.T) {
	t.Parallel()
	srv := onboardingServer(t) // development: the provider and receivers run on loopback
	base := srv.URL
	op := operator(t, srv)
	tenantID, key := onboard(t, op, "onb-oauth2", nil)
	ret := "http://127.0.0.1:9/back"
	r := op.call("POST", "/platform/tenants/"+tenantID+"/oauth-clients", map[string]any{"name": "Acme POS link", "redirect_uris": []string{ret}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	oauthClientID := r.str("client_id")
	member(t, newClient(t, base).with("X-API-Key", key), "merchant@acme.test")

	locations := locationsServer(base)
	defer locations.Close()
	// The provider's token endpoint checks the client secret (stvos's own /oauth serves public
	// clients, so this hop checks it, then forwards the exchange without it): the secret stored
	// sealed is opened and sent.
	var secretSeen atomic.Bool
	token := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		id, secret, basic := r.BasicAuth()
		if !basic {
			id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		}
		if secret != "acme-secret-value" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
			return
		}
		secretSeen.Store(true)
		form := r.PostForm
		form.Del("client_secret")
		form.Set("client_id", id)
		res, err := http.PostForm(base+"/oauth/token", form)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		w.Header().Set("Content-Type", res.Header.Get("Content-Type"))
		w.WriteHeader(res.StatusCode)
		_, _ = io.Copy(w, res.Body)
	}))
	defer token.Close()

	path := "/platform/tenants/" + tenantID + "/integrations/acme-pos"
	cfg := map[string]any{"auth_url": base + "/oauth/authorize", "token_url": token.URL, "client_id": oauthClientID,
		"client_secret": "acme-secret-value", "scopes": []string{"openid", "profile"}, "locations_url": locations.URL,
		"userinfo_url": base + "/oauth/userinfo"}

	// Every URL field is guarded, and the built-in name is not configurable.
	for _, field := range []string{"auth_url", "token_url", "locations_url", "userinfo_url", "menus_url"} {
		for _, bad := range []string{"https://169.254.169.254/latest/meta-data/", "https://10.1.2.3/x", "javascript:alert(1)", "http://example.com/x"} {
			body := map[string]any{}
			for k, v := range cfg {
				body[k] = v
			}
			body[field] = bad
			d := op.call("PUT", path, body).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
			require.Equal(t, []string{field}, fields(d), "%s=%s", field, bad)
		}
	}
	d := op.call("PUT", "/platform/tenants/"+tenantID+"/integrations/sandbox", cfg).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"source"}, fields(d))
	newClient(t, base).call("PUT", path, cfg).flatError(t, http.StatusUnauthorized, "UNAUTHORIZED")

	r = op.call("PUT", path, cfg)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, true, r.JSON["client_secret_set"])
	require.Equal(t, "oauth2", r.str("adapter"))
	require.NotContains(t, string(r.Raw), "acme-secret-value", "the secret is never shown")
	delete(cfg, "client_secret")
	r = op.call("PUT", path, cfg) // no secret: the stored one is kept
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, true, r.JSON["client_secret_set"])
	r = op.call("GET", "/platform/tenants/"+tenantID+"/integrations", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Len(t, r.JSON["data"], 1)
	require.NotContains(t, string(r.Raw), "acme-secret-value")

	// A partner onboards through the configured source.
	p := newEnterprisePartner(t, op, base, tenantID, key, "owner@acme-partner.test", "owner")
	ent, orgID := enterpriseToken(t, base, p, "acme-org", "onboarding")
	r = ent.call("POST", "/onboarding", map[string]any{"org_id": orgID, "source": "acme-pos", "type": "pos", "return_url": ret})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	o := r.JSON["onboarding"].(map[string]any)
	entry := o["entry_url"].(string)
	require.True(t, strings.HasPrefix(entry, base+"/oauth/authorize?"), entry)
	eu, err := url.Parse(entry)
	require.NoError(t, err)
	require.Equal(t, "S256", eu.Query().Get("code_challenge_method"))

	b := newBrowser(t)
	res, html := b.do("GET", entry, nil)
	require.Equal(t, http.StatusOK, res.StatusCode, html)
	form := formOf(html)
	form.Set("email", "merchant@acme.test")
	form.Set("password", demoPassword)
	res, _ = b.do("POST", base+"/oauth/authorize", form)
	require.Contains(t, []int{http.StatusFound, http.StatusSeeOther}, res.StatusCode)
	back, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(back.String(), ret), back.String())
	id := o["_id"].(string)
	r = ent.call("POST", "/onboarding/"+id+"/complete", map[string]any{"code": back.Query().Get("code"), "state": back.Query().Get("state")})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, "active", r.str("status"))
	require.NotEmpty(t, r.str("merchant_id"), "named by userinfo")
	require.True(t, secretSeen.Load(), "the sealed client secret was opened and sent")

	r = ent.call("GET", "/onboarding/locations?onboarding_id="+id, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	ls := r.JSON["locations"].([]any)
	require.Len(t, ls, 1)
	require.Equal(t, "loc-1", ls[0].(map[string]any)["provider_id"])
	require.Equal(t, "acme-pos", ls[0].(map[string]any)["source"])
	r = ent.call("POST", "/onboarding/locations/ingest", map[string]any{"onboarding_id": id, "locations": []map[string]string{{"provider_id": "loc-1"}}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))

	// Removed: the client's default adapter (the sandbox) serves the name again.
	r = op.call("DELETE", path, nil)
	require.Equal(t, http.StatusNoContent, r.Status, string(r.Raw))
	op.call("DELETE", path, nil).flatError(t, http.StatusNotFound, "INTEGRATION_SOURCE_NOT_FOUND")
	r = ent.call("POST", "/onboarding", map[string]any{"org_id": orgID, "source": "acme-pos", "type": "pos", "return_url": ret})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Contains(t, r.JSON["onboarding"].(map[string]any)["entry_url"], "/sandbox/integrations/authorize")
}
