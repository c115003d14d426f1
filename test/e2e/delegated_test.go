package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/harness"
)

// delegatedFixture is a client whose admin signs in to a third-party OAuth app.
type delegatedFixture struct {
	srv      *harness.Server
	apiKey   string
	clientID string
	redirect string
	email    string
}

func delegatedSetup(t *testing.T) delegatedFixture {
	srv := harness.StartServer(t, map[string]string{
		"STVOS_RATE_PER_ADDRESS": "100000", "STVOS_RATE_PER_CREDENTIAL": "100000"})
	op := operator(t, srv)
	tenantID, key := onboard(t, op, "delegated", nil)
	f := delegatedFixture{srv: srv, apiKey: key, redirect: "https://thirdparty.test/callback", email: "boss@delegated.test"}
	r := op.call("POST", "/platform/tenants/"+tenantID+"/oauth-clients", map[string]any{"name": "Third Party", "redirect_uris": []string{f.redirect}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	f.clientID = r.str("client_id")
	r = op.call("POST", "/platform/tenants/"+tenantID+"/admins", map[string]string{"email": f.email, "password": demoPassword, "name": "Boss"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	return f
}

// token runs the authorization code flow with PKCE as the admin, asking for scope (none when
// empty), and returns the access token.
func (f delegatedFixture) token(t *testing.T, scope string) string {
	t.Helper()
	b := newBrowser(t)
	verifier, challenge := pkce()
	q := url.Values{"response_type": {"code"}, "client_id": {f.clientID}, "redirect_uri": {f.redirect},
		"state": {"state-12345678"}, "nonce": {"nonce-12345678"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	if scope != "" {
		q.Set("scope", scope)
	}
	res, html := b.do("GET", f.srv.URL+"/oauth/authorize?"+q.Encode(), nil)
	require.Equal(t, http.StatusOK, res.StatusCode, html)
	form := formOf(html)
	form.Set("email", f.email)
	form.Set("password", demoPassword)
	res, html = b.do("POST", f.srv.URL+"/oauth/authorize", form)
	require.Contains(t, []int{http.StatusFound, http.StatusSeeOther}, res.StatusCode, html)
	loc, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	status, body := tokenCall(t, f.srv.URL, url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"client_id": {f.clientID}, "redirect_uri": {f.redirect}, "code_verifier": {verifier}})
	require.Equal(t, http.StatusOK, status, body)
	return body["access_token"].(string)
}

// operation is one operation of a surface's OpenAPI document that takes a bearer token.
type operation struct {
	surface, method, path string
	apiKey                bool
	scope                 string // the OAuth scope a delegated token needs; empty: none may call it
}

func bearerOperations(t *testing.T, base string) []operation {
	var ops []operation
	for _, surface := range []string{"app", "partner", "subscriber", "enterprise", "platform"} {
		res, err := http.Get(base + "/openapi/" + surface + ".json")
		require.NoError(t, err)
		var doc struct {
			Paths map[string]map[string]struct {
				Security []map[string][]string `json:"security"`
			} `json:"paths"`
		}
		require.NoError(t, json.NewDecoder(res.Body).Decode(&doc))
		res.Body.Close()
		for path, methods := range doc.Paths {
			for method, o := range methods {
				if len(o.Security) == 0 {
					continue
				}
				first := o.Security[0]
				if _, ok := first["bearer"]; !ok {
					continue
				}
				op := operation{surface: surface, method: strings.ToUpper(method), path: path}
				_, op.apiKey = first["apiKey"]
				for _, alt := range o.Security[1:] {
					if sc := alt["oauth2"]; len(sc) == 1 {
						op.scope = sc[0]
					}
				}
				ops = append(ops, op)
			}
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].path+ops[i].method < ops[j].path+ops[j].method })
	return ops
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// call calls the operation with the token and answers the status and error code.
func (o operation) call(t *testing.T, base, apiKey, token string) (int, string) {
	t.Helper()
	path := pathParam.ReplaceAllStringFunc(o.path, func(string) string { return ports.NewID() })
	var body io.Reader
	if o.method == "POST" || o.method == "PUT" || o.method == "PATCH" {
		body = strings.NewReader("{}")
	}
	req, err := http.NewRequest(o.method, base+path, body)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if o.apiKey {
		req.Header.Set("X-API-Key", apiKey)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var e struct {
		Code  string `json:"code"`
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	raw, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(raw, &e)
	return res.StatusCode, e.Code + e.Error.Code
}

// TestDelegatedTokensReachOnlyTheirScopes walks every operation of every surface that takes a
// bearer token with tokens an OAuth app received from a client's admin, for each scope asked
// (and none), and checks each answer against the scope the operation declares: an operation
// answers a delegated token only when it names a scope the token holds; every other operation,
// admin ones above all, refuses it with 403 INSUFFICIENT_SCOPE (or 401 where the token is not
// even of the surface's audience). Operations added later are walked by construction.
func TestDelegatedTokensReachOnlyTheirScopes(t *testing.T) {
	t.Parallel()
	f := delegatedSetup(t)
	ops := bearerOperations(t, f.srv.URL)
	require.NotEmpty(t, ops)
	grants := [][]string{{}, {"openid"}, {"profile"}, {"devices"},
		{"openid", "profile", "content:read", "subscription:read", "watchlist", "devices", "drm"}}
	for _, granted := range grants {
		token := f.token(t, strings.Join(granted, " "))
		claims := unverifiedClaims(t, token)
		require.Equal(t, f.clientID, claims["client_id"], "a delegated token names its OAuth client")
		for _, o := range ops {
			name := fmt.Sprintf("scopes %v: %s %s", granted, o.method, o.path)
			status, code := o.call(t, f.srv.URL, f.apiKey, token)
			if o.scope != "" && slices.Contains(granted, o.scope) {
				require.NotContains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, status, "%s answered %d %s", name, status, code)
				continue
			}
			switch o.surface {
			case "app", "subscriber": // the surfaces of the client's users: the scope check answers
				require.Equal(t, http.StatusForbidden, status, name)
				require.Equal(t, "INSUFFICIENT_SCOPE", code, name)
			default: // other audiences do not accept the token at all
				require.Contains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, status, "%s answered %d %s", name, status, code)
			}
		}
	}
}

// TestDelegatedTokenAttacks are the two attacks found: an admin's token issued to a third-party
// app with scope=openid, or with no scope at all, reached the admin operations.
func TestDelegatedTokenAttacks(t *testing.T) {
	t.Parallel()
	f := delegatedSetup(t)
	for _, scope := range []string{"openid", ""} {
		admin := newClient(t, f.srv.URL).with("Authorization", "Bearer "+f.token(t, scope))
		admin.call("GET", "/admin/users", nil).flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")
		admin.call("GET", "/admin/audit-log", nil).flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")
		admin.call("GET", "/users/me", nil).flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")
	}
	// The same admin signed in first-party reaches them.
	r := newClient(t, f.srv.URL).with("X-API-Key", f.apiKey).call("POST", "/auth/login", map[string]string{"email": f.email, "password": demoPassword})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	first := newClient(t, f.srv.URL).with("Authorization", "Bearer "+r.JSON["data"].(map[string]any)["accessToken"].(string))
	require.Equal(t, http.StatusOK, first.call("GET", "/admin/users", nil).Status)
	require.Equal(t, http.StatusOK, first.call("GET", "/admin/audit-log", nil).Status)
}

// unverifiedClaims decodes a JWT's payload (the signature is checked by the server).
func unverifiedClaims(t *testing.T, token string) map[string]any {
	parts := strings.Split(token, ".")
	require.Len(t, parts, 3)
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var c map[string]any
	require.NoError(t, json.Unmarshal(raw, &c))
	return c
}
