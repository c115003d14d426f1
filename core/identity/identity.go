// Package identity is the bounded context of who a caller is: platform operators, the sessions
// every kind of principal signs in to, and the token sets issued for them. Later kinds of
// principal (subscribers, partner staff, machines) join the same session store and signer.
package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
	"time"
)

// Kinds of principal; they are also the Kind of ports.Claims.
const (
	KindOperator     = "operator"
	KindPartnerStaff = "partner_staff"
	KindSubscriber   = "subscriber"
	KindEnterprise   = "enterprise"
)

// RoleSuperadmin is the policy role of every platform operator.
const RoleSuperadmin = "superadmin"

// Operator is a platform superadmin who onboards and runs tenants.
type Operator struct {
	ID           string
	Email        string
	Name         string
	PasswordHash string
	CreatedAt    time.Time
}

// Session is one sign-in: a family of refresh tokens of which only the newest is valid. The
// refresh secret is kept as a hash; the previous hash is kept to recognise the reuse of a
// rotated token, which revokes the session.
type Session struct {
	ID           string
	TenantID     string // empty for operators
	SubjectKind  string
	SubjectID    string
	RefreshHash  []byte
	PreviousHash []byte
	CreatedAt    time.Time
	LastUsedAt   time.Time
	ExpiresAt    time.Time
	RevokedAt    *time.Time
}

// Live reports whether the session may still be refreshed at t.
func (s Session) Live(t time.Time) bool { return s.RevokedAt == nil && t.Before(s.ExpiresAt) }

// TokenSet is what a successful sign-in or refresh returns.
type TokenSet struct {
	AccessToken  string
	TokenType    string
	ExpiresIn    int
	RefreshToken string
}

// newRefreshToken returns "sessionID.secret" and the hash of the secret.
func newRefreshToken(sessionID string) (string, []byte) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("identity: no randomness: " + err.Error())
	}
	secret := base64.RawURLEncoding.EncodeToString(b[:])
	return sessionID + "." + secret, hashSecret(secret)
}

func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// splitRefreshToken returns the session id and secret of a presented refresh token.
func splitRefreshToken(token string) (sessionID, secret string, ok bool) {
	sessionID, secret, ok = strings.Cut(token, ".")
	return sessionID, secret, ok && len(secret) == 43
}

func sameHash(a, b []byte) bool { return len(a) > 0 && subtle.ConstantTimeCompare(a, b) == 1 }
