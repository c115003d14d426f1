package oauth

import (
	"maps"
	"slices"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/openid"
	fjwt "github.com/ory/fosite/token/jwt"

	"github.com/stvos/stvos/adapters/jwt"
	"github.com/stvos/stvos/core/account"
	coresession "github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// session is what fosite keeps with every code and token: the OpenID session (ID token claims)
// and what stvos puts in access tokens, which are the same JWTs every surface verifies. It is
// stored as JSON with the grant, so its JSON names are storage, not token claims.
type session struct {
	*openid.DefaultSession `json:"oidc"`
	TenantID               string   `json:"tid"`
	Roles                  []string `json:"roles"`
	SessionID              string   `json:"sid"`
	ClientID               string   `json:"cid"`
}

func newSession(tenantID string, u *account.User, sessionID, clientID, issuer string, now time.Time) *session {
	s := &session{DefaultSession: openid.NewDefaultSession(), TenantID: tenantID, SessionID: sessionID, ClientID: clientID}
	if u != nil {
		s.Subject, s.Username, s.Roles = u.ID, u.Email, u.Roles
		s.Claims.Subject = u.ID
	}
	s.Claims.Issuer = issuer
	s.Claims.AuthTime = now
	s.Claims.RequestedAt = now
	return s
}

// GetJWTClaims makes the access token's claims: those of every stvos token for a tenant user,
// in the platform's one claims codec, and the OAuth client the token was issued to (client_id,
// RFC 9068), which marks it as delegated.
func (s *session) GetJWTClaims() fjwt.JWTClaimsContainer {
	return &accessClaims{claims: ports.Claims{ID: ports.NewID(), Subject: s.Subject, Kind: coresession.KindUser, TenantID: s.TenantID,
		Roles: slices.Clone(s.Roles), SessionID: s.SessionID, ClientID: s.ClientID}}
}

// GetJWTHeader is empty: the signing key sets kid.
func (s *session) GetJWTHeader() *fjwt.Headers { return &fjwt.Headers{} }

// Clone copies the session deeply, maps and slices included: fosite clones a session before it
// changes one request's copy, so nothing may be shared with the original.
func (s *session) Clone() fosite.Session {
	if s == nil {
		return nil
	}
	c := *s
	c.Roles = slices.Clone(s.Roles)
	c.DefaultSession = cloneOIDC(s.DefaultSession)
	return &c
}

func cloneOIDC(d *openid.DefaultSession) *openid.DefaultSession {
	if d == nil {
		return nil
	}
	c := *d
	if d.Claims != nil {
		claims := *d.Claims
		claims.Audience = slices.Clone(claims.Audience)
		claims.AuthenticationMethodsReferences = slices.Clone(claims.AuthenticationMethodsReferences)
		claims.Extra = cloneJSONObject(claims.Extra)
		c.Claims = &claims
	}
	if d.Headers != nil {
		c.Headers = &fjwt.Headers{Extra: cloneJSONObject(d.Headers.Extra)}
	}
	c.ExpiresAt = maps.Clone(d.ExpiresAt)
	return &c
}

// cloneJSONObject copies a map of JSON values (what Extra claims and headers hold) deeply.
func cloneJSONObject(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneJSONValue(v)
	}
	return out
}

func cloneJSONValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return cloneJSONObject(v)
	case []any:
		out := make([]any, len(v))
		for i := range v {
			out[i] = cloneJSONValue(v[i])
		}
		return out
	case []string:
		return slices.Clone(v)
	default: // strings, numbers, booleans, nil: values
		return v
	}
}

// accessClaims are the claims of an access token fosite issues, written with the platform's
// claims codec (jwt.Claims); fosite adds the expiry, scopes, audience, issue time and issuer.
type accessClaims struct {
	claims   ports.Claims
	audience []string
	issuer   string
}

// With sets the expiry, the granted scopes and the granted audience.
func (a *accessClaims) With(expiry time.Time, scope, audience []string) fjwt.JWTClaimsContainer {
	a.claims.ExpiresAt, a.claims.Scopes, a.audience = expiry.Unix(), slices.Clone(scope), slices.Clone(audience)
	return a
}

// WithDefaults sets the issue time and the issuer unless they are set.
func (a *accessClaims) WithDefaults(iat time.Time, issuer string) fjwt.JWTClaimsContainer {
	if a.claims.IssuedAt == 0 {
		a.claims.IssuedAt = iat.Unix()
	}
	if a.issuer == "" {
		a.issuer = issuer
	}
	return a
}

// WithScopeField changes nothing: the codec writes the scopes as one space-separated scope claim
// (RFC 9068), as the server is configured to.
func (a *accessClaims) WithScopeField(fjwt.JWTScopeFieldEnum) fjwt.JWTClaimsContainer { return a }

// ToMapClaims encodes the claims.
func (a *accessClaims) ToMapClaims() fjwt.MapClaims {
	c := jwt.Encode(a.issuer, a.claims)
	c.Audience = a.audience
	return c.Map()
}
