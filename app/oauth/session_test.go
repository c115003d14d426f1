package oauth

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/openid"
	fjwt "github.com/ory/fosite/token/jwt"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/jwt"
	"github.com/stvos/stvos/core/account"
	coresession "github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// fullSession has every field set, maps and slices nested, as a clone must copy them.
func fullSession() *session {
	now := time.Unix(1780000000, 0).UTC()
	s := newSession("tenant", &account.User{ID: "user", Email: "u@x.test", Roles: []string{"subscriber", "admin"}}, "sid", "client", "iss", now)
	s.Claims.Audience = []string{"client"}
	s.Claims.AuthenticationMethodsReferences = []string{"pwd"}
	s.Claims.Nonce, s.Claims.JTI = "nonce", "jti"
	s.Claims.Extra = map[string]any{"nested": map[string]any{"list": []any{"a", map[string]any{"deep": "x"}}}, "strs": []string{"s"}}
	s.Headers.Extra = map[string]any{"kid": "k", "list": []any{"h"}}
	s.SetExpiresAt(fosite.AccessToken, now.Add(time.Hour))
	return s
}

func snapshot(t *testing.T, s *session) string {
	t.Helper()
	b, err := json.Marshal(s)
	require.NoError(t, err)
	return string(b)
}

func TestCloneIsDeep(t *testing.T) {
	t.Parallel()
	orig := fullSession()
	before := snapshot(t, orig)
	c, ok := orig.Clone().(*session)
	require.True(t, ok)
	require.Equal(t, orig, c, "the clone equals the original")
	require.Equal(t, before, snapshot(t, c))

	// Change everything the clone holds; the original must not move.
	c.Roles[0], c.TenantID = "changed", "changed"
	c.Roles = append(c.Roles, "more")
	c.Claims.Subject = "changed"
	c.Claims.Audience[0] = "changed"
	c.Claims.AuthenticationMethodsReferences[0] = "changed"
	c.Claims.Extra["nested"].(map[string]any)["list"].([]any)[0] = "changed"
	c.Claims.Extra["nested"].(map[string]any)["list"].([]any)[1].(map[string]any)["deep"] = "changed"
	c.Claims.Extra["strs"].([]string)[0] = "changed"
	c.Claims.Extra["new"] = 1
	c.Headers.Extra["kid"] = "changed"
	c.Headers.Extra["list"].([]any)[0] = "changed"
	c.SetExpiresAt(fosite.AccessToken, time.Unix(0, 0))
	c.SetExpiresAt(fosite.RefreshToken, time.Unix(0, 0))
	c.Subject, c.Username = "changed", "changed"
	require.Equal(t, before, snapshot(t, orig), "no change to the clone reaches the original")

	var none *session
	require.Nil(t, none.Clone())
	bare := (&session{TenantID: "t"}).Clone().(*session)
	require.Nil(t, bare.DefaultSession)
}

// TestCloneKnowsEveryField fails when fosite adds a field to the types Clone copies by hand, so
// that a new map or slice is not shared silently after an upgrade.
func TestCloneKnowsEveryField(t *testing.T) {
	t.Parallel()
	fields := func(v any) []string {
		var out []string
		for f := range reflect.TypeOf(v).Fields() {
			out = append(out, f.Name+" "+f.Type.String())
		}
		return out
	}
	require.Equal(t, []string{"DefaultSession *openid.DefaultSession", "TenantID string", "Roles []string", "SessionID string",
		"ClientID string"}, fields(session{}))
	require.Equal(t, []string{"Claims *jwt.IDTokenClaims", "Headers *jwt.Headers", "ExpiresAt map[fosite.TokenType]time.Time",
		"Username string", "Subject string"}, fields(openid.DefaultSession{}))
	require.Equal(t, []string{"Extra map[string]interface {}"}, fields(fjwt.Headers{}))
	require.Equal(t, []string{"JTI string", "Issuer string", "Subject string", "Audience []string", "Nonce string",
		"ExpiresAt time.Time", "IssuedAt time.Time", "RequestedAt time.Time", "AuthTime time.Time", "AccessTokenHash string",
		"AuthenticationContextClassReference string", "AuthenticationMethodsReferences []string", "CodeHash string",
		"Extra map[string]interface {}"}, fields(fjwt.IDTokenClaims{}))
}

// TestAccessTokenClaims: fosite's access tokens are written with the platform's claims codec,
// under the names of a first-party token, with the OAuth client added.
func TestAccessTokenClaims(t *testing.T) {
	t.Parallel()
	s := fullSession()
	now := time.Unix(1780000000, 0)
	m := s.GetJWTClaims().With(now.Add(15*time.Minute), []string{"openid", "profile"}, []string{coresession.AudienceTenant}).
		WithDefaults(now, "https://issuer.test").WithScopeField(fjwt.JWTScopeFieldList).ToMapClaims()
	jti, _ := m["jti"].(string)
	require.True(t, ports.IsID(jti), "every token has its own id")
	delete(m, "jti")
	require.Equal(t, fjwt.MapClaims{"iss": "https://issuer.test", "sub": "user", "aud": []any{"tenant"}, "iat": now.Unix(),
		"exp": now.Add(15 * time.Minute).Unix(), "knd": coresession.KindUser, "tid": "tenant", "roles": []any{"subscriber", "admin"},
		"sid": "sid", "scope": "openid profile", "client_id": "client"}, m)

	// The same names as a first-party token's, and client_id.
	firstParty := jwt.Encode("https://issuer.test", ports.Claims{ID: "j", Subject: "user", Kind: coresession.KindUser, TenantID: "tenant",
		Roles: []string{"subscriber"}, SessionID: "sid", Audience: coresession.AudienceTenant, IssuedAt: now.Unix(), ExpiresAt: now.Unix()}).Map()
	m["jti"] = jti
	require.Equal(t, slices.Sorted(slices.Values(append(slices.Collect(maps.Keys(firstParty)), "client_id", "scope"))),
		slices.Sorted(maps.Keys(m)))
}
