package oauth

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/ory/fosite"
	fjwt "github.com/ory/fosite/token/jwt"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/jwt"
	"github.com/stvos/stvos/core/identity"
	"github.com/stvos/stvos/ports"
)

// fullSession has every field set, maps and slices nested.
func fullSession() *session {
	now := time.Unix(1780000000, 0).UTC()
	s := newSession("tenant", &identity.User{ID: "user", Email: "u@x.test", Roles: []string{"subscriber", "admin"}}, "sid", "client", "iss", now)
	s.Claims.Audience = []string{"client"}
	s.Claims.AuthenticationMethodsReferences = []string{"pwd"}
	s.Claims.Nonce, s.Claims.JTI = "nonce", "jti"
	s.Claims.Extra = map[string]any{"nested": map[string]any{"list": []any{"a", map[string]any{"deep": "x"}}}, "strs": []string{"s"}}
	s.Headers.Extra = map[string]any{"kid": "k", "list": []any{"h"}}
	s.SetExpiresAt(fosite.AccessToken, now.Add(time.Hour))
	return s
}

// TestAccessTokenClaims: fosite's access tokens are written with the platform's claims codec,
// under the names of a first-party token, with the OAuth client added.
func TestAccessTokenClaims(t *testing.T) {
	t.Parallel()
	s := fullSession()
	now := time.Unix(1780000000, 0)
	m := s.GetJWTClaims().With(now.Add(15*time.Minute), []string{"openid", "profile"}, []string{identity.AudienceTenant}).
		WithDefaults(now, "https://issuer.test").WithScopeField(fjwt.JWTScopeFieldList).ToMapClaims()
	jti, _ := m["jti"].(string)
	require.True(t, ports.IsID(jti), "every token has its own id")
	delete(m, "jti")
	require.Equal(t, fjwt.MapClaims{"iss": "https://issuer.test", "sub": "user", "aud": []any{"tenant"}, "iat": now.Unix(),
		"exp": now.Add(15 * time.Minute).Unix(), "knd": identity.KindUser, "tid": "tenant", "roles": []any{"subscriber", "admin"},
		"sid": "sid", "scope": "openid profile", "client_id": "client"}, m)

	// The same names as a first-party token's, and client_id.
	firstParty := jwt.Encode("https://issuer.test", ports.Claims{ID: "j", Subject: "user", Kind: identity.KindUser, TenantID: "tenant",
		Roles: []string{"subscriber"}, SessionID: "sid", Audience: identity.AudienceTenant, IssuedAt: now.Unix(), ExpiresAt: now.Unix()}).Map()
	m["jti"] = jti
	require.Equal(t, slices.Sorted(slices.Values(append(slices.Collect(maps.Keys(firstParty)), "client_id", "scope"))),
		slices.Sorted(maps.Keys(m)))
}
