package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	xoauth2 "golang.org/x/oauth2"

	"github.com/stvos/stvos/adapters/integration/oauth2"
	"github.com/stvos/stvos/adapters/safeurl"
	"github.com/stvos/stvos/ports"
)

// TestGenericOAuth2Provider drives the generic OAuth 2 integration provider against a real
// authorization server: stvos's own /oauth endpoints (authorization code with PKCE S256). The
// merchant is the signed-in user (userinfo's sub), and the locations endpoint, started by the
// test, accepts only tokens the authorization server vouches for.
func TestGenericOAuth2Provider(t *testing.T) {
	t.Parallel()
	f := oauthSetup(t)
	base := f.srv.URL
	locations := locationsServer(base)
	defer locations.Close()

	client := safeurl.New(true).Client(10 * time.Second) // development: the servers run on loopback
	p := oauth2.New(oauth2.Config{AuthURL: base + "/oauth/authorize", TokenURL: base + "/oauth/token", ClientID: f.clientID,
		Scopes: []string{"openid", "profile"}, LocationsURL: locations.URL, UserInfoURL: base + "/oauth/userinfo"}, client)
	ctx := context.Background()
	verifier := xoauth2.GenerateVerifier()
	state := "onboarding-state-0123456789"
	entry, err := p.AuthorizationURL(ctx, ports.AuthorizationRequest{Source: "acme-pos", Type: "pos", State: state, Verifier: verifier, ReturnURL: f.redirect})
	require.NoError(t, err)

	// The merchant signs in on the provider's page and is sent back with code and state.
	b := newBrowser(t)
	res, html := b.do("GET", entry, nil)
	require.Equal(t, http.StatusOK, res.StatusCode, html)
	form := formOf(html)
	form.Set("email", "viewer@streamco.test")
	form.Set("password", demoPassword)
	res, _ = b.do("POST", base+"/oauth/authorize", form)
	require.Contains(t, []int{http.StatusFound, http.StatusSeeOther}, res.StatusCode)
	back, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, state, back.Query().Get("state"))
	code := back.Query().Get("code")

	ex := ports.CodeExchange{Source: "acme-pos", Type: "pos", Code: code, State: state, Verifier: verifier, ReturnURL: f.redirect}
	bad := ex
	bad.Verifier = xoauth2.GenerateVerifier()
	conn, err := p.Exchange(ctx, ex)
	require.NoError(t, err)
	require.NotEmpty(t, conn.MerchantID, "userinfo's sub")
	require.NotEmpty(t, conn.AccessToken)

	ls, err := p.Locations(ctx, conn)
	require.NoError(t, err)
	require.Equal(t, []ports.ProviderLocation{{ProviderID: "loc-1", Name: "Main St", Address: ports.Address{FormattedAddress: "1 Main St",
		Locality: "Springfield", Country: "US", Latitude: 1.5}}}, ls)
	forged := conn
	forged.AccessToken = "forged"
	_, err = p.Locations(ctx, forged)
	require.ErrorIs(t, err, ports.ErrForbidden)

	_, err = p.Exchange(ctx, ex)
	require.ErrorIs(t, err, ports.ErrInvalid, "a replayed code is refused")
	require.Equal(t, "code", ports.AsError(err).Fields[0].Field)

	_, err = p.Locations(ctx, conn)
	require.ErrorIs(t, err, ports.ErrForbidden, "the server revoked what the replayed code had issued")

	// Outside development the same provider's loopback servers are refused on dial.
	strict := oauth2.New(oauth2.Config{AuthURL: base + "/oauth/authorize", TokenURL: base + "/oauth/token", ClientID: f.clientID,
		LocationsURL: locations.URL}, safeurl.New(false).Client(5*time.Second))
	_, err = strict.Exchange(ctx, bad)
	require.ErrorIs(t, err, safeurl.ErrBlockedAddress)
}

// locationsServer is a provider's locations endpoint: it lists one location to callers whose
// bearer token stvos's /oauth/userinfo at base vouches for.
func locationsServer(base string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, _ := http.NewRequest("GET", base+"/oauth/userinfo", nil)
		req.Header.Set("Authorization", r.Header.Get("Authorization"))
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != http.StatusOK {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		res.Body.Close()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"locations": []map[string]any{{"provider_id": "loc-1", "name": "Main St",
			"address": map[string]any{"formatted_address": "1 Main St", "locality": "Springfield", "country": "US", "latitude": 1.5}}}})
	}))
}
