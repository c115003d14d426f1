package oauth

import (
	"slices"
	"time"

	"github.com/mohae/deepcopy"
	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/openid"
	fjwt "github.com/ory/fosite/token/jwt"

	"github.com/stvos/stvos/adapters/jwt"
	"github.com/stvos/stvos/core/identity"
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

func newSession(tenantID string, u *identity.User, sessionID, clientID, issuer string, now time.Time) *session {
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
	return &accessClaims{claims: ports.Claims{ID: ports.NewID(), Subject: s.Subject, Kind: identity.KindUser, TenantID: s.TenantID,
		Roles: slices.Clone(s.Roles), SessionID: s.SessionID, ClientID: s.ClientID}}
}

// GetJWTHeader is empty: the signing key sets kid.
func (s *session) GetJWTHeader() *fjwt.Headers { return &fjwt.Headers{} }

// Clone copies the session.
func (s *session) Clone() fosite.Session {
	if s == nil {
		return nil
	}
	return deepcopy.Copy(s).(fosite.Session)
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
