// Package identity is the bounded context of who a caller is: platform operators, a tenant's
// users (subscribers and admins), partner staff signing in, the sessions every kind of principal
// signs in to, and the token sets issued for them. One signer, one session store and one
// revocation list serve every kind of principal.
package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
	"time"

	"github.com/stvos/stvos/ports"
)

// Kinds of principal; they are also the Kind of ports.Claims.
const (
	KindOperator     = "operator"
	KindUser         = "user"
	KindPartnerStaff = "partner_staff"
	KindEnterprise   = "enterprise"
)

// Roles of the authorization policy that identity grants.
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

// Operator is a platform superadmin who onboards and runs tenants.
type Operator struct {
	ID           string
	Email        string
	Name         string
	PasswordHash string
	CreatedAt    time.Time
}

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

// A refresh token reads "<scope>.<session id>.<secret>", the scope being the tenant id or
// "platform", so the session can be found in its tenant without a directory look-up. Only the
// secret's hash is stored.
const platformScope = "platform"

func newRefreshToken(sess Session) (string, []byte) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("identity: no randomness: " + err.Error())
	}
	secret := base64.RawURLEncoding.EncodeToString(b[:])
	scope := sess.TenantID
	if scope == "" {
		scope = platformScope
	}
	return scope + "." + sess.ID + "." + secret, hashSecret(secret)
}

func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// parseRefreshToken returns the unit-of-work scope, session id and secret of a refresh token.
func parseRefreshToken(token string) (ports.Scope, string, string, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || !ports.IsID(parts[1]) || len(parts[2]) != 43 {
		return ports.Scope{}, "", "", false
	}
	if parts[0] == platformScope {
		return ports.PlatformScope(), parts[1], parts[2], true
	}
	if !ports.IsID(parts[0]) {
		return ports.Scope{}, "", "", false
	}
	return ports.TenantScope(parts[0]), parts[1], parts[2], true
}

func sameHash(a, b []byte) bool { return len(a) > 0 && subtle.ConstantTimeCompare(a, b) == 1 }

// clip bounds a client-supplied description.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
