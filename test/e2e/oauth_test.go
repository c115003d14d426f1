package e2e

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v3"
	josejwt "github.com/go-jose/go-jose/v3/jwt"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// browser is a cookie-keeping HTTP client that does not follow redirects, like a test driving a
// real browser step by step.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, u string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	require.NoError(b.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.c.Do(req)
	require.NoError(b.t, err)
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res, string(raw)
}

var inputRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// formOf reads the hidden fields of a page's form.
func formOf(html string) url.Values {
	f := url.Values{}
	for _, m := range inputRE.FindAllStringSubmatch(html, -1) {
		f.Set(m[1], strings.ReplaceAll(m[2], "&#43;", "+"))
	}
	return f
}

func pkce() (verifier, challenge string) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	verifier = base64.RawURLEncoding.EncodeToString(b[:])
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

func tokenCall(t *testing.T, base string, form url.Values) (int, map[string]any) {
	t.Helper()
	res, err := http.PostForm(base+"/oauth/token", form)
	require.NoError(t, err)
	defer res.Body.Close()
	var v map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&v))
	return res.StatusCode, v
}

type oauthFixture struct {
	srv      *harness.Server
	clientID string
	redirect string
	app      *client
}

func oauthSetup(t *testing.T) oauthFixture {
	srv := harness.StartServer(t)
	op := operator(t, srv)
	r := op.call("POST", "/platform/tenants", map[string]any{"name": "Stream Co", "slug": "streamco",
		"branding": map[string]string{"display_name": "StreamCo Plus", "primary_color": "#aa0055"}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	tenantID := r.str("id")
	key := op.call("POST", "/platform/tenants/"+tenantID+"/api-keys", map[string]string{}).str("key")
	redirect := "https://app.streamco.test/callback"
	r = op.call("POST", "/platform/tenants/"+tenantID+"/oauth-clients", map[string]any{"name": "StreamCo TV", "redirect_uris": []string{redirect}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Len(t, op.call("GET", "/platform/tenants/"+tenantID+"/oauth-clients", nil).JSON["data"], 1)
	app := newClient(t, srv.URL).with("X-API-Key", key)
	member(t, app, "viewer@streamco.test")
	return oauthFixture{srv: srv, clientID: r.str("client_id"), redirect: redirect, app: app}
}

func (f oauthFixture) authorizeURL(challenge, method string, extra url.Values) string {
	q := url.Values{"response_type": {"code"}, "client_id": {f.clientID}, "redirect_uri": {f.redirect},
		"scope": {"openid profile devices"}, "state": {"state-12345678"}, "nonce": {"nonce-12345678"},
		"code_challenge": {challenge}, "code_challenge_method": {method}}
	for k, v := range extra {
		q[k] = v
	}
	return f.srv.URL + "/oauth/authorize?" + q.Encode()
}

// signIn drives the sign-in page and returns the redirect's query.
func (f oauthFixture) signIn(t *testing.T, b *browser, challenge, password string) (*http.Response, url.Values) {
	res, html := b.do("GET", f.authorizeURL(challenge, "S256", nil), nil)
	require.Equal(t, http.StatusOK, res.StatusCode, html)
	require.Contains(t, html, "StreamCo Plus", "the page wears the tenant's branding")
	require.Contains(t, html, "#aa0055")
	form := formOf(html)
	require.NotEmpty(t, form.Get("csrf"))
	form.Set("email", "viewer@streamco.test")
	form.Set("password", password)
	res, html = b.do("POST", f.srv.URL+"/oauth/authorize", form)
	if res.StatusCode != http.StatusFound && res.StatusCode != http.StatusSeeOther {
		return res, nil
	}
	loc, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err, html)
	require.Equal(t, "app.streamco.test", loc.Host)
	return res, loc.Query()
}

func TestOAuthAuthorizationCodeWithPKCE(t *testing.T) {
	t.Parallel()
	f := oauthSetup(t)
	base := f.srv.URL

	// Discovery describes the server.
	res, err := http.Get(base + "/.well-known/openid-configuration")
	require.NoError(t, err)
	var disc map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&disc))
	res.Body.Close()
	require.Equal(t, "http://stvos.test", disc["issuer"])
	require.Equal(t, []any{"S256"}, disc["code_challenge_methods_supported"])

	b := newBrowser(t)
	verifier, challenge := pkce()
	res, _ = f.signIn(t, b, challenge, "wrong password!")
	require.Equal(t, http.StatusUnauthorized, res.StatusCode, "a wrong password shows the form again")
	_, q := f.signIn(t, b, challenge, demoPassword)
	require.Equal(t, "state-12345678", q.Get("state"))
	code := q.Get("code")
	require.NotEmpty(t, code)

	// A wrong verifier is refused, and so is the right one after (the code is spent once tried).
	status, body := tokenCall(t, base, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {f.clientID},
		"redirect_uri": {f.redirect}, "code_verifier": {strings.Repeat("x", 43)}})
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "invalid_grant", body["error"])

	_, q = f.signIn(t, b, challenge, demoPassword)
	status, body = tokenCall(t, base, url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "client_id": {f.clientID},
		"redirect_uri": {f.redirect}, "code_verifier": {verifier}})
	require.Equal(t, http.StatusOK, status, body)
	access, refresh, idToken := body["access_token"].(string), body["refresh_token"].(string), body["id_token"].(string)
	delegatedTo(t, base, access, f.clientID)
	require.Equal(t, "bearer", strings.ToLower(body["token_type"].(string)))
	require.InDelta(t, 900, body["expires_in"], 5)

	// The access token is a platform token: it works on the subscriber surface.
	me := newClient(t, base).with("Authorization", "Bearer "+access)
	r := me.call("GET", "/users/me", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	userID := r.str("id")
	sessions := me.call("GET", "/users/me/sessions", nil).JSON["data"].([]any)
	require.Len(t, sessions, 2, "the app sign-in and the OAuth grant")

	// A first-party sign-in of the same user names no client and no scope.
	login := f.app.call("POST", "/auth/login", map[string]string{"email": "viewer@streamco.test", "password": demoPassword})
	require.Equal(t, http.StatusOK, login.Status, string(login.Raw))
	firstParty := verifyWithJWKS(t, base, login.JSON["data"].(map[string]any)["accessToken"].(string))
	require.NotContains(t, firstParty, "client_id")
	require.NotContains(t, firstParty, "scope")
	require.Equal(t, "user", firstParty["knd"])

	// userinfo and the ID token, verified with the published keys.
	req, _ := http.NewRequest("GET", base+"/oauth/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	var info map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&info))
	res.Body.Close()
	require.Equal(t, userID, info["sub"])
	require.Equal(t, "viewer@streamco.test", info["email"])
	claims := verifyWithJWKS(t, base, idToken)
	require.Equal(t, userID, claims["sub"])
	require.Equal(t, "nonce-12345678", claims["nonce"])
	require.Equal(t, "http://stvos.test", claims["iss"])
	require.Contains(t, claims["aud"], f.clientID)

	// Refresh rotates; reusing the old refresh token revokes the whole grant.
	status, body = tokenCall(t, base, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {f.clientID}})
	require.Equal(t, http.StatusOK, status, body)
	newRefresh := body["refresh_token"].(string)
	newAccess := body["access_token"].(string)
	delegatedTo(t, base, newAccess, f.clientID)
	require.Equal(t, http.StatusOK, newClient(t, base).with("Authorization", "Bearer "+newAccess).call("GET", "/users/me", nil).Status)
	status, body = tokenCall(t, base, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {f.clientID}})
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "invalid_grant", body["error"])
	status, _ = tokenCall(t, base, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {newRefresh}, "client_id": {f.clientID}})
	require.Equal(t, http.StatusBadRequest, status, "the family is dead")
	newClient(t, base).with("Authorization", "Bearer "+newAccess).call("GET", "/users/me", nil).
		flatError(t, http.StatusUnauthorized, "SESSION_REVOKED")

	// A code works once; presenting it again revokes what it issued (RFC 6749 section 4.1.2).
	verifier, challenge = pkce()
	_, q = f.signIn(t, b, challenge, demoPassword)
	exchange := url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "client_id": {f.clientID},
		"redirect_uri": {f.redirect}, "code_verifier": {verifier}}
	status, body = tokenCall(t, base, exchange)
	require.Equal(t, http.StatusOK, status, body)
	status, again := tokenCall(t, base, exchange)
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "invalid_grant", again["error"])
	newClient(t, base).with("Authorization", "Bearer "+body["access_token"].(string)).call("GET", "/users/me", nil).
		flatError(t, http.StatusUnauthorized, "SESSION_REVOKED")
}

func TestOAuthRevocationAndRefusals(t *testing.T) {
	t.Parallel()
	f := oauthSetup(t)
	base := f.srv.URL
	b := newBrowser(t)
	verifier, challenge := pkce()
	_, q := f.signIn(t, b, challenge, demoPassword)
	status, body := tokenCall(t, base, url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "client_id": {f.clientID},
		"redirect_uri": {f.redirect}, "code_verifier": {verifier}})
	require.Equal(t, http.StatusOK, status, body)

	// Revoking the refresh token ends the grant and its access tokens at once.
	res, err := http.PostForm(base+"/oauth/revoke", url.Values{"token": {body["refresh_token"].(string)}, "client_id": {f.clientID}})
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	newClient(t, base).with("Authorization", "Bearer "+body["access_token"].(string)).call("GET", "/users/me", nil).
		flatError(t, http.StatusUnauthorized, "SESSION_REVOKED")
	status, _ = tokenCall(t, base, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {body["refresh_token"].(string)}, "client_id": {f.clientID}})
	require.Equal(t, http.StatusBadRequest, status)

	// PKCE is required and must be S256.
	_, plain := pkce()
	res, html := b.do("GET", f.authorizeURL(plain, "plain", nil), nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode, html)
	require.Contains(t, res.Header.Get("Location"), "error=invalid_request")
	res, _ = b.do("GET", f.authorizeURL("", "", nil), nil)
	require.Contains(t, res.Header.Get("Location"), "error=invalid_request")

	// A redirect URI that is not registered exactly is refused without redirecting there.
	res, _ = b.do("GET", f.authorizeURL(challenge, "S256", url.Values{"redirect_uri": {f.redirect + "/evil"}}), nil)
	require.GreaterOrEqual(t, res.StatusCode, 400)
	require.NotContains(t, res.Header.Get("Location"), "evil")
	res, _ = b.do("GET", f.authorizeURL(challenge, "S256", url.Values{"client_id": {"stvc_unknown"}}), nil)
	require.Equal(t, http.StatusBadRequest, res.StatusCode)

	// A form post without the CSRF cookie's token is refused.
	form := url.Values{"client_id": {f.clientID}, "redirect_uri": {f.redirect}, "response_type": {"code"}, "scope": {"openid"},
		"state": {"state-12345678"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"},
		"email": {"viewer@streamco.test"}, "password": {demoPassword}, "csrf": {strings.Repeat("a", 43)}}
	res, _ = newBrowser(t).do("POST", base+"/oauth/authorize", form)
	require.Equal(t, http.StatusForbidden, res.StatusCode)

	// A delegated token acts only within its scopes.
	narrow := f.authorizeURL(challenge, "S256", url.Values{"scope": {"openid content:read"}})
	res, html = b.do("GET", narrow, nil)
	require.Equal(t, http.StatusOK, res.StatusCode, html)
	nf := formOf(html)
	nf.Set("email", "viewer@streamco.test")
	nf.Set("password", demoPassword)
	res, _ = b.do("POST", base+"/oauth/authorize", nf)
	loc, _ := url.Parse(res.Header.Get("Location"))
	status, body = tokenCall(t, base, url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"client_id": {f.clientID}, "redirect_uri": {f.redirect}, "code_verifier": {verifier}})
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, "openid content:read", body["scope"])
	scoped := newClient(t, base).with("Authorization", "Bearer "+body["access_token"].(string))
	scoped.call("GET", "/users/me", nil).flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")
	scoped.call("GET", "/users/me/sessions", nil).flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")

	// The token endpoint refuses unknown clients and grants.
	status, body = tokenCall(t, base, url.Values{"grant_type": {"password"}, "client_id": {f.clientID}, "username": {"x"}, "password": {"y"}})
	require.Equal(t, http.StatusBadRequest, status)
	require.NotEmpty(t, body["error"])
	status, body = tokenCall(t, base, url.Values{"grant_type": {"authorization_code"}, "client_id": {"stvc_nope"}, "code": {"x"}})
	require.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, "invalid_client", body["error"])
}

func TestDeviceAuthorizationGrant(t *testing.T) {
	t.Parallel()
	f := oauthSetup(t)
	base := f.srv.URL

	res, err := http.PostForm(base+"/oauth/device/code", url.Values{"client_id": {f.clientID}, "scope": {"openid profile devices"}})
	require.NoError(t, err)
	var dc map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&dc))
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, dc)
	deviceCode, userCode := dc["device_code"].(string), dc["user_code"].(string)
	require.Regexp(t, `^[A-Z]{4}-[A-Z]{4}$`, userCode)
	require.Equal(t, "http://stvos.test/oauth/device", dc["verification_uri"])
	require.EqualValues(t, 5, dc["interval"])

	poll := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {deviceCode}, "client_id": {f.clientID}}
	status, body := tokenCall(t, base, poll)
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "authorization_pending", body["error"])
	status, body = tokenCall(t, base, poll)
	require.Equal(t, "slow_down", body["error"], "polling faster than the interval")
	require.Equal(t, http.StatusBadRequest, status)

	// On the phone: the code page, then the tenant's sign-in.
	phone := newBrowser(t)
	res, html := phone.do("GET", base+"/oauth/device", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, html, `name="user_code"`)
	form := formOf(html)
	form.Set("user_code", strings.ToLower(strings.ReplaceAll(userCode, "-", "")))
	res, html = phone.do("POST", base+"/oauth/device", form)
	require.Equal(t, http.StatusOK, res.StatusCode, html)
	require.Contains(t, html, "StreamCo Plus")
	require.Contains(t, html, userCode)
	form = formOf(html)
	form.Set("email", "viewer@streamco.test")
	form.Set("password", "wrong password!")
	res, _ = phone.do("POST", base+"/oauth/device", form)
	require.Equal(t, http.StatusUnauthorized, res.StatusCode)
	form.Set("password", demoPassword)
	res, html = phone.do("POST", base+"/oauth/device", form)
	require.Equal(t, http.StatusOK, res.StatusCode, html)
	require.Contains(t, html, "signed in")

	status, body = tokenCall(t, base, poll)
	require.Equal(t, http.StatusOK, status, body)
	tvRefresh := body["refresh_token"].(string)
	delegatedTo(t, base, body["access_token"].(string), f.clientID)
	tv := newClient(t, base).with("Authorization", "Bearer "+body["access_token"].(string))
	r := tv.call("GET", "/users/me", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, "viewer@streamco.test", r.str("email"))
	var tvSession string
	for _, s := range tv.call("GET", "/users/me/sessions", nil).JSON["data"].([]any) {
		if s.(map[string]any)["device"] == "StreamCo TV" {
			tvSession = s.(map[string]any)["id"].(string)
		}
	}
	require.NotEmpty(t, tvSession, "the TV shows in the devices list")

	status, body = tokenCall(t, base, poll)
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "invalid_grant", body["error"], "a device code is used once")

	// The refresh token works, and signing the TV out from the devices list ends it.
	status, body2 := tokenCall(t, base, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tvRefresh}, "client_id": {f.clientID}})
	require.Equal(t, http.StatusOK, status, body2)
	delegatedTo(t, base, body2["access_token"].(string), f.clientID)
	require.Equal(t, http.StatusNoContent, tv.call("DELETE", "/users/me/sessions/"+tvSession, nil).Status)
	newClient(t, base).with("Authorization", "Bearer "+body2["access_token"].(string)).call("GET", "/users/me", nil).
		flatError(t, http.StatusUnauthorized, "SESSION_REVOKED")
	status, _ = tokenCall(t, base, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {body2["refresh_token"].(string)}, "client_id": {f.clientID}})
	require.Equal(t, http.StatusBadRequest, status)

	// Unknown codes on the phone.
	res, _ = newBrowser(t).do("GET", base+"/oauth/device?user_code=ZZZZ-ZZZZ", nil)
	require.Equal(t, http.StatusNotFound, res.StatusCode)
}

// delegatedTo checks that an access token issued through the OAuth server names the client it was
// issued to (client_id, RFC 9068) beside the claims of every platform token.
func delegatedTo(t *testing.T, base, token, clientID string) {
	t.Helper()
	claims := verifyWithJWKS(t, base, token)
	require.Equal(t, clientID, claims["client_id"])
	require.Equal(t, "user", claims["knd"])
	require.NotEmpty(t, claims["scope"])
	for _, name := range []string{"tid", "sid", "roles", "sub", "jti", "iat", "exp", "aud", "iss"} {
		require.Contains(t, claims, name)
	}
}

// verifyWithJWKS checks a token's signature with the key /oauth/jwks publishes for its kid.
func verifyWithJWKS(t *testing.T, base, token string) map[string]any {
	t.Helper()
	res, err := http.Get(base + "/oauth/jwks")
	require.NoError(t, err)
	defer res.Body.Close()
	var set jose.JSONWebKeySet
	require.NoError(t, json.NewDecoder(res.Body).Decode(&set))
	tok, err := josejwt.ParseSigned(token)
	require.NoError(t, err)
	require.Len(t, tok.Headers, 1)
	require.Equal(t, "RS256", tok.Headers[0].Algorithm)
	keys := set.Key(tok.Headers[0].KeyID)
	require.Len(t, keys, 1, "the token's kid is published")
	claims := map[string]any{}
	require.NoError(t, tok.Claims(keys[0].Key, &claims))
	return claims
}
