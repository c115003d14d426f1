// Package session is who a caller is once signed in: the principals (operators, a tenant's users,
// partner staff), the sessions every kind of principal signs in to, the token sets issued for
// them, refresh-token rotation with reuse detection, and the revocation that ends a session on
// every server at once. One signer, one session store and one revocation list serve every kind
// of principal; each sign-in context (account, operator, staff, the OAuth server) opens sessions
// through it and says how to re-read its principal on refresh.
package session

import (
	"time"
)

// Kinds of principal; they are also the Kind of ports.Claims.
const (
	KindOperator     = "operator"
	KindUser         = "user"
	KindPartnerStaff = "partner_staff"
	KindEnterprise   = "enterprise"
)

// Roles of the authorization policy that sign-in grants.
const (
	RoleSuperadmin = "superadmin"
	RoleAdmin      = "admin"
	RoleSubscriber = "subscriber"
)

// Audiences of access tokens, one per kind of principal: a token is accepted only by the
// surfaces that take its kind.
const (
	AudiencePlatform = "platform"
	AudienceTenant   = "tenant"
	AudiencePartner  = "partner"
)

// AccessTokenTTL is the life of every access token.
const AccessTokenTTL = 15 * time.Minute

// Principal is who a session is for, as its tokens state it.
type Principal struct {
	Kind      string
	SubjectID string
	TenantID  string // empty for operators
	PartnerID string // partner staff
	Roles     []string
}

// Audience returns the audience of the principal's tokens.
func (p Principal) Audience() string {
	switch p.Kind {
	case KindOperator:
		return AudiencePlatform
	case KindPartnerStaff:
		return AudiencePartner
	default:
		return AudienceTenant
	}
}

// Session is one sign-in: a family of refresh tokens of which only the newest is valid. The
// refresh secret is kept as a hash; the previous hash is kept to recognise the reuse of a
// rotated token, which revokes the session.
type Session struct {
	ID           string
	TenantID     string // empty for operators
	PartnerID    string
	SubjectKind  string
	SubjectID    string
	RefreshHash  []byte
	PreviousHash []byte
	Device       string
	Address      string
	CreatedAt    time.Time
	LastUsedAt   time.Time
	ExpiresAt    time.Time
	RevokedAt    *time.Time
}

// Live reports whether the session may still be refreshed at t.
func (s Session) Live(t time.Time) bool { return s.RevokedAt == nil && t.Before(s.ExpiresAt) }

// Client describes where a sign-in comes from, for the sessions list.
type Client struct {
	Device  string // the User-Agent, trimmed
	Address string
}

// TokenSet is what a successful sign-in or refresh returns.
type TokenSet struct {
	AccessToken  string
	TokenType    string
	ExpiresIn    int
	RefreshToken string
	SessionID    string
	SubjectID    string
}

// clip bounds a client-supplied description.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
