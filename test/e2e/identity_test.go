package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	stvjwt "github.com/stvos/stvos/adapters/jwt"
	"github.com/stvos/stvos/app"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/harness"
)

// member registers a subscriber through the app and returns the session data.
func member(t testing.TB, app *client, email string) map[string]any {
	t.Helper()
	r := app.call("POST", "/auth/register", map[string]string{"email": email, "password": demoPassword, "name": "Member " + email})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, true, r.JSON["success"])
	return r.JSON["data"].(map[string]any)
}

func TestSubscriberSessionLifecycle(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	_, key := onboard(t, op, "fit", nil)
	app := newClient(t, srv.URL).with("X-API-Key", key)

	d := member(t, app, "Ann@Example.com")
	user := d["user"].(map[string]any)
	require.Equal(t, "ann@example.com", user["email"])
	require.Equal(t, []any{"subscriber"}, user["roles"])
	require.EqualValues(t, 900, d["expiresIn"])
	require.Equal(t, "Bearer", d["tokenType"])
	require.NotContains(t, d, "password")

	app.call("POST", "/auth/register", map[string]string{"email": "ann@example.com", "password": demoPassword, "name": "Twin"}).
		envelopedError(t, http.StatusConflict, "EMAIL_TAKEN")
	app.call("POST", "/auth/register", map[string]string{"email": "short@example.com", "password": "short", "name": "S"}).
		envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")

	r := app.call("POST", "/auth/login", map[string]string{"email": "ann@example.com", "password": demoPassword})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	login := r.JSON["data"].(map[string]any)
	access, first := login["accessToken"].(string), login["refreshToken"].(string)
	app.call("POST", "/auth/login", map[string]string{"email": "ann@example.com", "password": "wrong password"}).
		envelopedError(t, http.StatusUnauthorized, "INVALID_CREDENTIALS")

	// Rotation: each refresh token works once; reusing one kills the whole family.
	r = app.call("POST", "/auth/refresh", map[string]string{"refreshToken": first})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	second := r.JSON["data"].(map[string]any)["refreshToken"].(string)
	newAccess := r.JSON["data"].(map[string]any)["accessToken"].(string)
	require.Equal(t, "ann@example.com", r.JSON["data"].(map[string]any)["user"].(map[string]any)["email"])
	sub := newClient(t, srv.URL).with("Authorization", "Bearer "+newAccess)
	require.Equal(t, http.StatusOK, sub.call("GET", "/users/me", nil).Status)

	app.call("POST", "/auth/refresh", map[string]string{"refreshToken": first}).
		envelopedError(t, http.StatusUnauthorized, "INVALID_REFRESH_TOKEN")
	app.call("POST", "/auth/refresh", map[string]string{"refreshToken": second}).
		envelopedError(t, http.StatusUnauthorized, "INVALID_REFRESH_TOKEN")
	sub.call("GET", "/users/me", nil).flatError(t, http.StatusUnauthorized, "SESSION_REVOKED")
	newClient(t, srv.URL).with("Authorization", "Bearer "+access).call("GET", "/users/me", nil).
		flatError(t, http.StatusUnauthorized, "SESSION_REVOKED")

	// Logout ends the session at once.
	r = app.call("POST", "/auth/login", map[string]string{"email": "ann@example.com", "password": demoPassword})
	login = r.JSON["data"].(map[string]any)
	signedIn := app.with("Authorization", "Bearer "+login["accessToken"].(string))
	r = signedIn.call("POST", "/auth/logout", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	signedIn.call("POST", "/auth/logout", nil).envelopedError(t, http.StatusUnauthorized, "SESSION_REVOKED")
	app.call("POST", "/auth/refresh", map[string]string{"refreshToken": login["refreshToken"].(string)}).
		envelopedError(t, http.StatusUnauthorized, "INVALID_REFRESH_TOKEN")
}

func TestTokensStayInTheirTenantAndSurface(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	_, keyA := onboard(t, op, "tenant-a", nil)
	_, keyB := onboard(t, op, "tenant-b", nil)
	appA := newClient(t, srv.URL).with("X-API-Key", keyA)
	appB := newClient(t, srv.URL).with("X-API-Key", keyB)
	d := member(t, appA, "amy@example.com")
	access, refresh := d["accessToken"].(string), d["refreshToken"].(string)

	// Tenant A's token with tenant B's API key: refused.
	appB.with("Authorization", "Bearer "+access).call("POST", "/auth/logout", nil).
		envelopedError(t, http.StatusForbidden, "TENANT_MISMATCH")
	appB.call("POST", "/auth/refresh", map[string]string{"refreshToken": refresh}).
		envelopedError(t, http.StatusUnauthorized, "INVALID_REFRESH_TOKEN")
	// The same email is a different account in another client.
	member(t, appB, "amy@example.com")
	appB.call("POST", "/auth/login", map[string]string{"email": "amy@example.com", "password": "nope nope nope"}).
		envelopedError(t, http.StatusUnauthorized, "INVALID_CREDENTIALS")

	// A subscriber token is not an operator's, an admin's or partner staff's.
	sub := newClient(t, srv.URL).with("Authorization", "Bearer "+access)
	sub.call("GET", "/platform/tenants", nil).flatError(t, http.StatusUnauthorized, "INVALID_TOKEN")
	sub.call("GET", "/admin/users", nil).flatError(t, http.StatusForbidden, "FORBIDDEN")
	sub.call("GET", "/admin/audit-log", nil).flatError(t, http.StatusForbidden, "FORBIDDEN")
	sub.call("GET", "/partner-auth/me", nil).envelopedError(t, http.StatusUnauthorized, "INVALID_TOKEN")
	// An operator token is not a subscriber's.
	op.call("GET", "/users/me", nil).flatError(t, http.StatusUnauthorized, "INVALID_TOKEN")

	// Forged and foreign tokens.
	parts := strings.Split(access, ".")
	for name, tok := range map[string]string{
		"alg none":  "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + parts[1] + ".",
		"tampered":  parts[0] + "." + parts[1] + "x." + parts[2],
		"foreign":   "eyJhbGciOiJSUzI1NiIsImtpZCI6ImZvcmVpZ24ifQ." + parts[1] + "." + parts[2],
		"truncated": parts[0] + "." + parts[1],
	} {
		r := newClient(t, srv.URL).with("Authorization", "Bearer "+tok).call("GET", "/users/me", nil)
		require.Equal(t, http.StatusUnauthorized, r.Status, name)
		require.Equal(t, "INVALID_TOKEN", r.str("code"), name)
	}
}

func TestAccountAndSessions(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	_, key := onboard(t, op, "acct", nil)
	app := newClient(t, srv.URL).with("X-API-Key", key)
	d := member(t, app, "bo@example.com")
	me := newClient(t, srv.URL).with("Authorization", "Bearer "+d["accessToken"].(string))

	r := me.call("GET", "/users/me", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, "bo@example.com", r.str("email"))
	require.Equal(t, "active", r.str("status"))
	require.NotContains(t, string(r.Raw), "password")

	r = me.call("PATCH", "/users/me", map[string]any{"display_name": "Bo", "phone": "+14155550123", "country_code": "us",
		"timezone": "Europe/Berlin", "notification_preferences": map[string]bool{"marketing": false}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, "Bo", r.str("display_name"))
	require.Equal(t, "US", r.str("country_code"))
	require.Equal(t, false, r.JSON["notification_preferences"].(map[string]any)["marketing"])
	d2 := me.call("PATCH", "/users/me", map[string]any{"phone": "555-1234", "country_code": "USA", "display_name": strings.Repeat("x", 101),
		"timezone": "Mars/Olympus"}).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Subset(t, fields(d2), []string{"phone", "country_code", "display_name"})
	d2 = me.call("PATCH", "/users/me", map[string]any{"timezone": "Mars/Olympus"}).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"timezone"}, fields(d2))

	// Two more devices; the sessions list shows all three and marks this one.
	other := app.call("POST", "/auth/login", map[string]string{"email": "bo@example.com", "password": demoPassword}, "User-Agent", "TV/1.0")
	require.Equal(t, http.StatusOK, other.Status)
	otherTok := other.JSON["data"].(map[string]any)["accessToken"].(string)
	third := app.call("POST", "/auth/login", map[string]string{"email": "bo@example.com", "password": demoPassword})
	thirdTok := third.JSON["data"].(map[string]any)["accessToken"].(string)
	r = me.call("GET", "/users/me/sessions", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	sessions := r.JSON["data"].([]any)
	require.Len(t, sessions, 3)
	var tvID string
	current := 0
	for _, s := range sessions {
		m := s.(map[string]any)
		if m["device"] == "TV/1.0" {
			tvID = m["id"].(string)
		}
		if m["current"] == true {
			current++
		}
	}
	require.Equal(t, 1, current)
	require.NotEmpty(t, tvID)

	// Signing the TV out ends its tokens at once.
	require.Equal(t, http.StatusNoContent, me.call("DELETE", "/users/me/sessions/"+tvID, nil).Status)
	newClient(t, srv.URL).with("Authorization", "Bearer "+otherTok).call("GET", "/users/me", nil).
		flatError(t, http.StatusUnauthorized, "SESSION_REVOKED")
	me.call("DELETE", "/users/me/sessions/"+tvID, nil).flatError(t, http.StatusNotFound, "SESSION_NOT_FOUND")

	// Changing the password revokes every other session and returns a fresh token set.
	me.call("PUT", "/users/me/password", map[string]string{"current_password": "wrong one!", "new_password": "a brand new password"}).
		flatError(t, http.StatusUnprocessableEntity, "INVALID_CURRENT_PASSWORD")
	r = me.call("PUT", "/users/me/password", map[string]string{"current_password": demoPassword, "new_password": "a brand new password"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.EqualValues(t, 900, r.JSON["expires_in"])
	fresh := newClient(t, srv.URL).with("Authorization", "Bearer "+r.str("access_token"))
	require.Equal(t, http.StatusOK, fresh.call("GET", "/users/me", nil).Status)
	newClient(t, srv.URL).with("Authorization", "Bearer "+thirdTok).call("GET", "/users/me", nil).
		flatError(t, http.StatusUnauthorized, "SESSION_REVOKED")
	app.call("POST", "/auth/login", map[string]string{"email": "bo@example.com", "password": demoPassword}).
		envelopedError(t, http.StatusUnauthorized, "INVALID_CREDENTIALS")
	require.Equal(t, http.StatusOK,
		app.call("POST", "/auth/login", map[string]string{"email": "bo@example.com", "password": "a brand new password"}).Status)
	require.Len(t, fresh.call("GET", "/users/me/sessions", nil).JSON["data"], 2)
}

// TestJWKSNamesTheSigningKey checks that every token's kid is published at /oauth/jwks, before and
// after a key rotation made by another process (the stvos keys rotate command).
func TestJWKSNamesTheSigningKey(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t, map[string]string{"STVOS_SIGNING_KEY_FILE": ""})
	op := operator(t, srv)
	kidOf := func(tok string) string {
		h, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
		require.NoError(t, err)
		var v map[string]any
		require.NoError(t, json.Unmarshal(h, &v))
		return v["kid"].(string)
	}
	tok := strings.TrimPrefix(op.hdr.Get("Authorization"), "Bearer ")
	r := newClient(t, srv.URL).call("GET", "/oauth/jwks", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	keys := r.JSON["keys"].([]any)
	require.Len(t, keys, 1)
	k := keys[0].(map[string]any)
	require.Equal(t, kidOf(tok), k["kid"])
	require.Equal(t, "RSA", k["kty"])
	require.Equal(t, "RS256", k["alg"])
	require.NotContains(t, string(r.Raw), `"d"`, "no private part")

	_, err := app.RotateSigningKey(context.Background(), srv.Config.DatabaseURL)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, op.call("GET", "/platform/tenants", nil).Status, "tokens of the old key still verify")
}

// memKeys hands the server's own signing key to a test signer, so the test can mint tokens the
// server would accept but for what each case breaks.
type memKeys struct{ keys []ports.SigningKey }

func (m *memKeys) Keys(context.Context) ([]ports.SigningKey, error) { return m.keys, nil }
func (m *memKeys) Add(_ context.Context, k ports.SigningKey) error {
	m.keys = append(m.keys, k)
	return nil
}
func (m *memKeys) RetireAllBut(context.Context, string, int64) error { return nil }

type pastClock struct{ t time.Time }

func (c pastClock) Now() time.Time { return c.t }

// TestExpiredAndMisdirectedTokens mints tokens with the server's real key: expired, for another
// audience, of another issuer, or of another tenant. Each is refused in the surface's format.
func TestExpiredAndMisdirectedTokens(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "mint-a", nil)
	idB, _ := onboard(t, op, "mint-b", nil)
	d := member(t, newClient(t, srv.URL).with("X-API-Key", keyA), "minted@a.test")
	userID := d["user"].(map[string]any)["id"].(string)
	ctx := context.Background()
	mint := func(issuer string, at time.Time, c ports.Claims) string {
		s, err := stvjwt.New(ctx, &memKeys{}, issuer, harness.SigningKey(t), pastClock{at})
		require.NoError(t, err)
		tok, err := s.Sign(ctx, c)
		require.NoError(t, err)
		return tok
	}
	now := time.Now()
	claims := func(tenantID, aud string, issued time.Time) ports.Claims {
		return ports.Claims{ID: ports.NewID(), Subject: userID, Kind: "user", TenantID: tenantID, Roles: []string{"subscriber"},
			SessionID: ports.NewID(), Audience: aud, IssuedAt: issued.Unix(), ExpiresAt: issued.Add(15 * time.Minute).Unix()}
	}
	good := mint("http://stvos.test", now, claims(idA, "tenant", now))
	require.Equal(t, http.StatusOK, newClient(t, srv.URL).with("Authorization", "Bearer "+good).call("GET", "/users/me", nil).Status,
		"the minted token is right but for what each case breaks")
	for name, tok := range map[string]string{
		"expired":        mint("http://stvos.test", now.Add(-time.Hour), claims(idA, "tenant", now.Add(-time.Hour))),
		"other audience": mint("http://stvos.test", now, claims(idA, "partner", now)),
		"other issuer":   mint("https://evil.test", now, claims(idA, "tenant", now)),
	} {
		r := newClient(t, srv.URL).with("Authorization", "Bearer "+tok).call("GET", "/users/me", nil)
		require.Equal(t, http.StatusUnauthorized, r.Status, name)
		require.Equal(t, "INVALID_TOKEN", r.str("code"), name)
	}
	// A valid token of tenant B naming A's user finds nothing of A's.
	other := mint("http://stvos.test", now, claims(idB, "tenant", now))
	newClient(t, srv.URL).with("Authorization", "Bearer "+other).call("GET", "/users/me", nil).flatError(t, http.StatusNotFound, "USER_NOT_FOUND")
}
