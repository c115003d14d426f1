package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// enterprisePartner is a partner of a client with a signed-in owner.
type enterprisePartner struct {
	id    string
	owner *client // staff bearer token and the client's API key
}

// newEnterprisePartner creates a partner of the client with staff of the role, and signs the
// staff member in on the partner surface.
func newEnterprisePartner(t *testing.T, op *client, base, tenantID, key, email, role string) enterprisePartner {
	t.Helper()
	id := op.call("POST", "/platform/tenants/"+tenantID+"/partners", map[string]string{"name": "Partner " + email}).str("id")
	require.NotEmpty(t, id)
	return enterprisePartner{id: id, owner: entStaff(t, op, base, id, key, email, role)}
}

func entStaff(t *testing.T, op *client, base, partnerID, key, email, role string) *client {
	t.Helper()
	r := op.call("POST", "/platform/partners/"+partnerID+"/staff",
		map[string]string{"email": email, "password": demoPassword, "name": "Staff", "role": role})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	r = newClient(t, base).call("POST", "/partner-auth/login", map[string]string{"email": email, "password": demoPassword})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	tok := r.JSON["data"].(map[string]any)["accessToken"].(string)
	return newClient(t, base).with("Authorization", "Bearer "+tok).with("X-API-Key", key)
}

// orgBody is the specification's Create organization body.
func orgBody(name, providerID, email string) map[string]any {
	return map[string]any{"name": name, "provider_id": providerID,
		"user": map[string]string{"email": email, "first_name": "Olga", "last_name": "Owner"}}
}

// tokenGrant calls POST /token with the specification's body.
func tokenGrant(c *client, body map[string]any) response {
	return c.call("POST", "/token", body)
}

func bearerOf(t *testing.T, base string, r response) *client {
	t.Helper()
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	return newClient(t, base).with("Authorization", "Bearer "+r.str("access_token"))
}

// TestEnterpriseCredentials walks the enterprise partner's credentials: a partner owner signs in
// on the partner surface, creates an organization and a partner token, trades it at POST /token
// and calls scoped routes; refresh rotation and reuse, wrong secrets, scope and exp rules,
// viewers, partner and client isolation, minting and revocation.
func TestEnterpriseCredentials(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	tenantA, keyA := onboard(t, op, "ent-a", nil)
	tenantB, keyB := onboard(t, op, "ent-b", nil)
	p1 := newEnterprisePartner(t, op, srv.URL, tenantA, keyA, "owner@p1.test", "owner")
	p2 := newEnterprisePartner(t, op, srv.URL, tenantA, keyA, "owner@p2.test", "owner")
	pb := newEnterprisePartner(t, op, srv.URL, tenantB, keyB, "owner@pb.test", "owner")
	viewer := entStaff(t, op, srv.URL, p1.id, keyA, "viewer@p1.test", "viewer")
	anon := newClient(t, srv.URL)

	// Organizations: the owner is a user of the client, created, then linked by email.
	r := p1.owner.call("POST", "/organizations", orgBody("Burger Group", "prov-1", "Olga@Burger.test"))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	orgID, userID := r.str("org_id"), r.str("user_id")
	require.NotEmpty(t, orgID)
	require.NotEmpty(t, userID)
	r = p1.owner.call("POST", "/organizations", orgBody("Burger Two", "prov-2", "olga@burger.test"))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, userID, r.str("user_id"), "the same email links the same user of the client")
	p1.owner.call("POST", "/organizations", orgBody("Again", "prov-1", "x@burger.test")).flatError(t, http.StatusConflict, "ORGANIZATION_EXISTS")
	d := p1.owner.call("POST", "/organizations", map[string]any{"name": "", "provider_id": "p", "user": map[string]string{"email": "nope"}}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Subset(t, fields(d), []string{"name", "user.email", "user.first_name"})
	viewer.call("POST", "/organizations", orgBody("V", "prov-v", "v@v.test")).flatError(t, http.StatusForbidden, "FORBIDDEN")
	anon.call("POST", "/organizations", orgBody("A", "prov-a", "a@a.test")).flatError(t, http.StatusUnauthorized, "UNAUTHORIZED")

	// A partner token, its secret shown once.
	r = p1.owner.call("POST", "/partner-tokens", map[string]any{"org_id": orgID, "token_name": "pos sync", "scopes": []string{"user", "sso", "onboarding"}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, "no-store", r.Header.Get("Cache-Control"))
	tokenID, clientID, secret := r.str("id"), r.str("client_id"), r.str("client_secret")
	require.NotEmpty(t, clientID)
	require.NotEmpty(t, secret)
	require.Equal(t, []any{"user", "onboarding", "sso"}, r.JSON["scopes"])
	require.Equal(t, orgID, r.str("org_id"))
	require.Equal(t, "pos sync", r.str("token_name"))
	require.NotEmpty(t, r.str("created_at"))
	viewer.call("POST", "/partner-tokens", map[string]any{"org_id": orgID, "token_name": "v", "scopes": []string{"user"}}).
		flatError(t, http.StatusForbidden, "FORBIDDEN")
	viewer.call("GET", "/partner-tokens", nil).flatError(t, http.StatusForbidden, "FORBIDDEN")
	d = p1.owner.call("POST", "/partner-tokens", map[string]any{"org_id": orgID, "token_name": "x", "scopes": []string{"admin"}}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Contains(t, fields(d)[0], "scopes")
	// Another partner's organization is not found, in the same client or not.
	p2.owner.call("POST", "/partner-tokens", map[string]any{"org_id": orgID, "token_name": "steal", "scopes": []string{"user"}}).
		flatError(t, http.StatusNotFound, "ORGANIZATION_NOT_FOUND")
	pb.owner.call("POST", "/partner-tokens", map[string]any{"org_id": orgID, "token_name": "steal", "scopes": []string{"user"}}).
		flatError(t, http.StatusNotFound, "ORGANIZATION_NOT_FOUND")
	// A staff token of client A with client B's API key is refused.
	newClient(t, srv.URL).with("Authorization", p1.owner.hdr.Get("Authorization")).with("X-API-Key", keyB).
		call("GET", "/partner-tokens", nil).flatError(t, http.StatusForbidden, "TENANT_MISMATCH")

	// POST /token with the specification's body: the scopes asked for, 201.
	r = tokenGrant(anon, map[string]any{"grant_type": "client_credentials", "client_id": clientID, "client_secret": secret,
		"exp": 0, "scopes": []string{"user"}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.ElementsMatch(t, []string{"access_token", "token_type", "refresh_token", "expires_in", "refresh_token_expires_in", "scopes"}, keys(r.JSON))
	require.Equal(t, "bearer", r.str("token_type"))
	require.EqualValues(t, 900, r.JSON["expires_in"])
	require.InDelta(t, 24*3600, r.JSON["refresh_token_expires_in"], 5)
	require.Equal(t, []any{"user"}, r.JSON["scopes"])
	userOnly := bearerOf(t, srv.URL, r)
	ssoBody := map[string]any{"email": "sam@burger.test", "full_name": "Sam Cook", "phone_number": "+14155550123", "role": "manager",
		"provider_org_id": "prov-1", "provider_org_name": "Burger Group"}
	userOnly.call("POST", "/sso/sessions", ssoBody).flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")

	// No scopes asked for: every scope granted.
	r = tokenGrant(anon, map[string]any{"grant_type": "client_credentials", "client_id": clientID, "client_secret": secret})
	require.Equal(t, []any{"user", "onboarding", "sso"}, r.JSON["scopes"])
	full := bearerOf(t, srv.URL, r)
	refresh1 := r.str("refresh_token")
	r = full.call("POST", "/sso/sessions?partner_id="+p1.id, ssoBody)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.NotEmpty(t, r.str("sso_login_token"))
	full.call("POST", "/sso/sessions?partner_id="+p2.id, ssoBody).flatError(t, http.StatusForbidden, "PARTNER_FORBIDDEN")
	full.call("POST", "/sso/sessions?partner_id="+pb.id, ssoBody).flatError(t, http.StatusForbidden, "PARTNER_FORBIDDEN")
	r = full.call("POST", "/organizations", orgBody("Made by a token", "prov-3", "t@burger.test"))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	// An enterprise token is no staff token, API key or user token elsewhere.
	full.with("X-API-Key", keyA).call("GET", "/users/me", nil).flatError(t, http.StatusUnauthorized, "INVALID_TOKEN")

	// Scope subset and exp rules.
	tokenGrant(anon, map[string]any{"grant_type": "client_credentials", "client_id": clientID, "client_secret": secret,
		"scopes": []string{"user", "billing"}}).flatError(t, http.StatusBadRequest, "invalid_scope")
	tokenGrant(anon, map[string]any{"grant_type": "client_credentials", "client_id": clientID, "client_secret": secret,
		"scopes": []string{"everything"}}).flatError(t, http.StatusBadRequest, "invalid_scope")
	r = tokenGrant(anon, map[string]any{"grant_type": "client_credentials", "client_id": clientID, "client_secret": secret,
		"exp": time.Now().Add(3 * time.Hour).Unix()})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.InDelta(t, 3600, r.JSON["expires_in"], 2, "exp past an hour is clamped to an hour")
	r = tokenGrant(anon, map[string]any{"grant_type": "client_credentials", "client_id": clientID, "client_secret": secret,
		"exp": time.Now().Add(10 * time.Minute).Unix()})
	require.InDelta(t, 600, r.JSON["expires_in"], 2)
	d = tokenGrant(anon, map[string]any{"grant_type": "client_credentials", "client_id": clientID, "client_secret": secret,
		"exp": time.Now().Add(-time.Minute).Unix()}).flatError(t, http.StatusBadRequest, "invalid_request")
	require.Equal(t, []string{"exp"}, fields(d))

	// Wrong secret, unknown client: 401 alike.
	tokenGrant(anon, map[string]any{"grant_type": "client_credentials", "client_id": clientID, "client_secret": secret + "x"}).
		flatError(t, http.StatusUnauthorized, "invalid_client")
	tokenGrant(anon, map[string]any{"grant_type": "client_credentials", "client_id": "stvp_aaaaaaaaaaaaaaaa", "client_secret": secret}).
		flatError(t, http.StatusUnauthorized, "invalid_client")
	tokenGrant(anon, map[string]any{"grant_type": "password", "client_id": clientID, "client_secret": secret}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")

	// Refresh rotates; the old refresh token again ends the family.
	r = tokenGrant(anon, map[string]any{"grant_type": "refresh_token", "client_id": clientID, "client_secret": secret, "refresh_token": refresh1})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	refresh2 := r.str("refresh_token")
	require.NotEqual(t, refresh1, refresh2)
	require.Equal(t, []any{"user", "onboarding", "sso"}, r.JSON["scopes"])
	rotated := bearerOf(t, srv.URL, r)
	require.Equal(t, http.StatusCreated, rotated.call("POST", "/sso/sessions", ssoBody).Status)
	tokenGrant(anon, map[string]any{"grant_type": "refresh_token", "client_id": clientID, "client_secret": secret, "refresh_token": refresh1}).
		flatError(t, http.StatusUnauthorized, "invalid_grant")
	tokenGrant(anon, map[string]any{"grant_type": "refresh_token", "client_id": clientID, "client_secret": secret, "refresh_token": refresh2}).
		flatError(t, http.StatusUnauthorized, "invalid_grant")
	rotated.call("POST", "/sso/sessions", ssoBody).flatError(t, http.StatusUnauthorized, "SESSION_REVOKED")
	full.call("POST", "/sso/sessions", ssoBody).flatError(t, http.StatusUnauthorized, "SESSION_REVOKED")
	userOnly.call("POST", "/organizations", orgBody("x", "prov-x", "x@x.test")).flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")

	// A refresh token works only with its own client's credentials.
	r = p1.owner.call("POST", "/partner-tokens", map[string]any{"org_id": orgID, "token_name": "second", "scopes": []string{"user"}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	otherID, otherSecret := r.str("client_id"), r.str("client_secret")
	r = tokenGrant(anon, map[string]any{"grant_type": "client_credentials", "client_id": clientID, "client_secret": secret})
	refresh3 := r.str("refresh_token")
	tokenGrant(anon, map[string]any{"grant_type": "refresh_token", "client_id": otherID, "client_secret": otherSecret, "refresh_token": refresh3}).
		flatError(t, http.StatusUnauthorized, "invalid_grant")

	// Tokens minting tokens: only scopes they hold.
	minter := bearerOf(t, srv.URL, tokenGrant(anon, map[string]any{"grant_type": "client_credentials", "client_id": clientID,
		"client_secret": secret, "scopes": []string{"user"}}))
	minter.call("POST", "/partner-tokens", map[string]any{"org_id": orgID, "token_name": "more", "scopes": []string{"sso"}}).
		flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")
	r = minter.call("POST", "/partner-tokens", map[string]any{"org_id": orgID, "token_name": "less", "scopes": []string{"user"}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, "enterprise", r.str("created_by_kind"))
	minter.call("DELETE", "/partner-tokens/"+tokenID, nil).flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")

	// Listing: the partner's tokens, never a secret; another partner sees none of them.
	r = p1.owner.call("GET", "/partner-tokens", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Len(t, r.JSON["data"], 3)
	require.NotContains(t, string(r.Raw), secret)
	require.NotContains(t, string(r.Raw), "client_secret")
	r = p2.owner.call("GET", "/partner-tokens", nil)
	require.Empty(t, r.JSON["data"])
	p2.owner.call("DELETE", "/partner-tokens/"+tokenID, nil).flatError(t, http.StatusNotFound, "PARTNER_TOKEN_NOT_FOUND")

	// Revocation: the secret, the refresh tokens and the access tokens stop working at once.
	live := tokenGrant(anon, map[string]any{"grant_type": "client_credentials", "client_id": clientID, "client_secret": secret})
	liveBearer := bearerOf(t, srv.URL, live)
	r = p1.owner.call("DELETE", "/partner-tokens/"+tokenID, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, "revoked", r.str("status"))
	tokenGrant(anon, map[string]any{"grant_type": "client_credentials", "client_id": clientID, "client_secret": secret}).
		flatError(t, http.StatusUnauthorized, "invalid_client")
	tokenGrant(anon, map[string]any{"grant_type": "refresh_token", "client_id": clientID, "client_secret": secret, "refresh_token": live.str("refresh_token")}).
		flatError(t, http.StatusUnauthorized, "invalid_client")
	liveBearer.call("POST", "/sso/sessions", ssoBody).flatError(t, http.StatusUnauthorized, "SESSION_REVOKED")

	// Failed client authentications are throttled like every sign-in.
	var last response
	for range 6 {
		last = tokenGrant(anon, map[string]any{"grant_type": "client_credentials", "client_id": otherID, "client_secret": "wrong"})
	}
	last.flatError(t, http.StatusTooManyRequests, "TOO_MANY_ATTEMPTS")
	require.NotEmpty(t, last.Header.Get("Retry-After"))
}

// TestEnterpriseSSO has a partner token vouch for a person, whose app trades the login token once
// for a session of the client's identity service; a second exchange, another client's API key and
// an expired token are refused.
func TestEnterpriseSSO(t *testing.T) {
	t.Parallel()
	clock := &aheadClock{}
	srv := harness.StartServerWith(t, harness.NewBackends(t), withClock(clock))
	op := operator(t, srv)
	tenantA, keyA := onboard(t, op, "sso-a", nil)
	_, keyB := onboard(t, op, "sso-b", nil)
	p := newEnterprisePartner(t, op, srv.URL, tenantA, keyA, "owner@sso.test", "owner")
	orgID := p.owner.call("POST", "/organizations", orgBody("Cafe", "cafe-1", "boss@cafe.test")).str("org_id")
	r := p.owner.call("POST", "/partner-tokens", map[string]any{"org_id": orgID, "token_name": "sso", "scopes": []string{"sso"}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	anon := newClient(t, srv.URL)
	ent := bearerOf(t, srv.URL, tokenGrant(anon, map[string]any{"grant_type": "client_credentials", "client_id": r.str("client_id"),
		"client_secret": r.str("client_secret")}))

	body := map[string]any{"email": "Ann@Cafe.test", "full_name": "Ann Barista", "phone_number": "+14155550123", "role": "team_member",
		"provider_org_id": "cafe-1", "provider_org_name": "Cafe"}
	d := ent.call("POST", "/sso/sessions", map[string]any{"email": "x", "full_name": "", "phone_number": "abc", "role": "boss"}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Subset(t, fields(d), []string{"email", "full_name", "role"})
	r = ent.call("POST", "/sso/sessions?partner_id="+p.id, body)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	login := r.str("sso_login_token")
	require.NotEmpty(t, login)

	appA, appB := anon.with("X-API-Key", keyA), anon.with("X-API-Key", keyB)
	appB.call("POST", "/sso/exchange", map[string]string{"sso_login_token": login}).flatError(t, http.StatusUnauthorized, "INVALID_SSO_TOKEN")
	anon.call("POST", "/sso/exchange", map[string]string{"sso_login_token": login}).flatError(t, http.StatusUnauthorized, "INVALID_API_KEY")
	r = appA.call("POST", "/sso/exchange", map[string]string{"sso_login_token": login})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	user := r.JSON["user"].(map[string]any)
	require.Equal(t, "ann@cafe.test", user["email"])
	require.Equal(t, "Ann Barista", user["display_name"])
	require.NotEmpty(t, r.str("access_token"))
	require.NotEmpty(t, r.str("refresh_token"))
	// The session is the identity service's: the user's token works on the subscriber surface and
	// its refresh token rotates at the app surface.
	me := anon.with("Authorization", "Bearer "+r.str("access_token")).call("GET", "/users/me", nil)
	require.Equal(t, http.StatusOK, me.Status, string(me.Raw))
	require.Equal(t, "ann@cafe.test", me.str("email"))
	ref := appA.call("POST", "/auth/refresh", map[string]string{"refreshToken": r.str("refresh_token")})
	require.Equal(t, http.StatusOK, ref.Status, string(ref.Raw))
	appA.call("POST", "/sso/exchange", map[string]string{"sso_login_token": login}).flatError(t, http.StatusUnauthorized, "INVALID_SSO_TOKEN")

	// The same person again: the same user, linked by email.
	again := appA.call("POST", "/sso/exchange", map[string]string{"sso_login_token": ent.call("POST", "/sso/sessions", body).str("sso_login_token")})
	require.Equal(t, http.StatusOK, again.Status, string(again.Raw))
	require.Equal(t, user["id"], again.JSON["user"].(map[string]any)["id"])

	// Expired: five minutes is the limit.
	late := ent.call("POST", "/sso/sessions", body).str("sso_login_token")
	clock.advance(6 * time.Minute)
	appA.call("POST", "/sso/exchange", map[string]string{"sso_login_token": late}).flatError(t, http.StatusUnauthorized, "INVALID_SSO_TOKEN")
	appA.call("POST", "/sso/exchange", map[string]string{"sso_login_token": "garbage"}).flatError(t, http.StatusUnauthorized, "INVALID_SSO_TOKEN")
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
