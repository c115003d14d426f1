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
	// RoleEnterprise is the role of every enterprise token; what it reaches is narrowed by the
	// token's scopes.
	RoleEnterprise = "enterprise"
)

// Audiences of access tokens, one per kind of principal: a token is accepted only by the
// surfaces that take its kind.
const (
	AudiencePlatform = "platform"
	AudienceTenant   = "tenant"
	AudiencePartner  = "partner"
	// AudienceEnterprise is the audience of an enterprise partner token's access tokens (issued
	// at POST /token of the enterprise surface).
	AudienceEnterprise = "enterprise"
)

// AccessTokenTTL is the life of an access token unless its principal asks for another.
const AccessTokenTTL = 15 * time.Minute

// MaxAccessTokenTTL bounds the life a principal may ask for (Principal.AccessTTL): an enterprise
// client may ask for up to an hour. Revocations are kept this long (and a minute more), so an
// ended session's tokens are refused for as long as any of them can live.
const MaxAccessTokenTTL = time.Hour

// revocationTTL is how long a revoked session id is remembered by every server.
const revocationTTL = MaxAccessTokenTTL + time.Minute

// Principal is who a session is for, as its tokens state it.
type Principal struct {
	Kind      string
	SubjectID string
	TenantID  string // empty for operators
	PartnerID string // partner staff and enterprise tokens
	Roles     []string
	// Scopes are the scopes an enterprise token's access tokens carry; empty for first-party
	// sign-ins.
	Scopes []string
	// OrgID is the organization an enterprise token belongs to.
	OrgID string
	// AccessTTL is the life of the access tokens issued now; zero means AccessTokenTTL, and it
	// may not exceed MaxAccessTokenTTL.
	AccessTTL time.Duration
}

func (p Principal) accessTTL() time.Duration {
	if p.AccessTTL <= 0 {
		return AccessTokenTTL
	}
	return min(p.AccessTTL, MaxAccessTokenTTL)
}

// Audience returns the audience of the principal's tokens.
func (p Principal) Audience() string {
	switch p.Kind {
	case KindOperator:
		return AudiencePlatform
	case KindPartnerStaff:
		return AudiencePartner
	case KindEnterprise:
		return AudienceEnterprise
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
	// RefreshExpiresIn is how many seconds the session (so its refresh token) may still be
	// refreshed.
	RefreshExpiresIn int
	SessionID        string
	SubjectID        string
}

// clip bounds a client-supplied description.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
