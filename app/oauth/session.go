package oauth

import (
	"time"

	"github.com/mohae/deepcopy"
	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/openid"
	"github.com/ory/fosite/token/jwt"

	"github.com/stvos/stvos/core/identity"
)

// session is what fosite keeps with every code and token: the OpenID session (ID token claims)
// and what stvos puts in access tokens, which are the same JWTs every surface verifies.
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
// and the OAuth client it was issued to (client_id, RFC 9068), which marks it as delegated.
func (s *session) GetJWTClaims() jwt.JWTClaimsContainer {
	return &jwt.JWTClaims{Subject: s.Subject, Extra: map[string]interface{}{
		"knd": identity.KindUser, "tid": s.TenantID, "roles": s.Roles, "sid": s.SessionID, "client_id": s.ClientID,
	}}
}

// GetJWTHeader is empty: the signing key sets kid.
func (s *session) GetJWTHeader() *jwt.Headers { return &jwt.Headers{} }

// Clone copies the session.
func (s *session) Clone() fosite.Session {
	if s == nil {
		return nil
	}
	return deepcopy.Copy(s).(fosite.Session)
}
