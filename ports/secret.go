package ports

import (
	"context"
	"time"
)

// PasswordHasher hashes and checks passwords (argon2id in production). Verify returns false for
// a wrong password and an error only for a malformed hash.
type PasswordHasher interface {
	Hash(password string) (string, error)
	Verify(password, encoded string) (bool, error)
}

// Claims are what a signed access token says about its bearer.
type Claims struct {
	// ID is the token's unique id (jti).
	ID string
	// Subject is the principal's id.
	Subject string
	// Kind is the kind of principal: "operator", "partner_staff", "subscriber", "enterprise".
	Kind string
	// TenantID is the tenant the principal belongs to; empty for platform operators.
	TenantID string
	// PartnerID is set for partner staff and enterprise tokens.
	PartnerID string
	// OrgID is set on enterprise tokens: the organization of the partner token they were issued
	// for.
	OrgID string
	// Roles are role names of the authorization policy.
	Roles []string
	// Scopes are OAuth scopes granted.
	Scopes []string
	// ClientID names the OAuth client a delegated token was issued to; it is empty on first-party
	// sign-in tokens. A delegated token reaches only operations that declare a scope it holds.
	ClientID string
	// SessionID names the session (refresh token family) the token was issued in.
	SessionID string
	// ProfileID is set on profile tokens: the sub-profile of the account (Subject) watching.
	ProfileID string
	// Audience is the surface the token is meant for.
	Audience string
	// IssuedAt and ExpiresAt are Unix seconds.
	IssuedAt, ExpiresAt int64
}

// TokenSigner issues and verifies signed access tokens. Verify returns ErrUnauthenticated for any
// token that is malformed, expired, signed with an unknown key or algorithm, or meant for
// another audience.
type TokenSigner interface {
	Sign(ctx context.Context, c Claims) (string, error)
	Verify(ctx context.Context, token, audience string) (Claims, error)
	// PublicKeys lists the keys tokens may be signed with: the active one and those retired
	// recently enough that tokens they signed have not expired.
	PublicKeys(ctx context.Context) []PublicKey
}

// PublicKey is a verification key in JSON Web Key (RFC 7517) terms.
type PublicKey struct {
	KID       string `json:"kid"`
	KeyType   string `json:"kty"`
	Use       string `json:"use"`
	Algorithm string `json:"alg"`
	N         string `json:"n"`
	E         string `json:"e"`
}

// SigningKey is a private key that signs tokens, in PEM form. Keys are kept so that every server
// process signs with the same key and verifies every other's tokens.
type SigningKey struct {
	KID        string
	Algorithm  string
	PrivatePEM string
	CreatedAt  int64
	RetiredAt  int64 // zero while the key still signs
}

// SigningKeyStore keeps signing keys. Keys lists, newest first (by creation, then kid), every
// key not retired for more than a day (the tokens it signed have expired by then); Add reports
// ErrConflict when the kid is taken; RetireAllBut retires, at the given Unix time, every key but
// keep that is not retired yet, and reports ErrNotFound when keep is not stored. Calls of
// RetireAllBut run one at a time, and one whose keep was retired meanwhile (a rotation of
// another process won) changes nothing, so rotations at once leave exactly one key signing.
//
// Every method runs on its own, in the platform scope, whatever unit of work ctx carries (even a
// tenant's, which could not widen to the platform): signers reload keys from inside requests,
// and a key must not come and go with a request's transaction.
type SigningKeyStore interface {
	Keys(ctx context.Context) ([]SigningKey, error)
	Add(ctx context.Context, k SigningKey) error
	RetireAllBut(ctx context.Context, keep string, at int64) error
}

// Revocations remembers revoked sessions for as long as access tokens issued in them live, so a
// revoked session's tokens are refused at once by every server process, not only when they
// expire. Both methods return errors of no kind only when the store is unreachable.
type Revocations interface {
	Revoke(ctx context.Context, sessionIDs []string, ttl time.Duration) error
	Revoked(ctx context.Context, sessionID string) (bool, error)
}
