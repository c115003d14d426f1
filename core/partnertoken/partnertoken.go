// Package partnertoken is an enterprise partner's machine credentials: partner tokens (a
// client_id and a client_secret bound to one organization of the partner, with scopes), and the
// token endpoint that trades them for access tokens (client credentials) and rotates the refresh
// tokens it issues. Access and refresh tokens are sessions of core/session: one signer, one
// session store, one revocation list with every other sign-in.
package partnertoken

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/ports"
)

// The scopes a partner token may hold, as the enterprise specification lists them, plus flags
// for the feature-flag routes.
const (
	ScopeUser             = "user"
	ScopeOnboarding       = "onboarding"
	ScopeLegacyOnboarding = "legacy_onboarding"
	ScopeSSO              = "sso"
	ScopeBilling          = "billing"
	ScopeFlags            = "flags"
)

// Scopes lists every scope, in the specification's order.
var Scopes = []string{ScopeUser, ScopeOnboarding, ScopeLegacyOnboarding, ScopeSSO, ScopeBilling, ScopeFlags}

// Token is a partner token: what is kept of it (the secret only as a hash).
type Token struct {
	ID        string
	TenantID  string
	PartnerID string
	OrgID     string
	Name      string
	// ClientID is public; it finds the token's client through the platform directory.
	ClientID   string
	SecretHash []byte
	Scopes     []string
	// CreatedByKind and CreatedByID name who minted it: partner staff or another partner token.
	CreatedByKind string
	CreatedByID   string
	CreatedAt     time.Time
	RevokedAt     *time.Time
}

// Revoked reports whether the token was revoked.
func (t Token) Revoked() bool { return t.RevokedAt != nil }

// Matches reports whether the presented secret is this token's, in constant time.
func (t Token) Matches(secret string) bool {
	return len(t.SecretHash) > 0 && subtle.ConstantTimeCompare(t.SecretHash, hashSecret(secret)) == 1
}

// DirectoryClient is the directory kind that finds a partner token's client by its client_id.
const DirectoryClient = "partner_token"

// clientScheme and secretScheme start every client_id and client_secret, so that secret
// scanners can recognise a leaked secret and people can tell the two apart.
const (
	clientScheme = "stvp_"
	secretScheme = "stvps_"
)

var lowerBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newCredentials makes a client_id (public, 80 random bits), a client_secret to show once (256
// random bits) and the hash to keep of the secret.
func newCredentials() (clientID, secret string, hash []byte) {
	var c [10]byte
	var s [32]byte
	mustRandom(c[:])
	mustRandom(s[:])
	clientID = clientScheme + lowerBase32.EncodeToString(c[:])
	secret = secretScheme + base64.RawURLEncoding.EncodeToString(s[:])
	return clientID, secret, hashSecret(secret)
}

// hashSecret is what is kept of a client secret. A plain SHA-256 suffices, as for API keys: the
// secret has 256 random bits, so no slow hash is needed to resist guessing.
func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// validClientID reports whether s has the shape of a client_id, so that nothing else is looked up.
func validClientID(s string) bool {
	body, ok := strings.CutPrefix(s, clientScheme)
	return ok && len(body) == 16 && strings.Trim(body, "abcdefghijklmnopqrstuvwxyz234567") == ""
}

func mustRandom(b []byte) {
	if _, err := rand.Read(b); err != nil {
		panic("partnertoken: no randomness: " + err.Error())
	}
}

// MaxNameLength bounds a token's name.
const MaxNameLength = 100

// validateScopes records a refusal of a scope list that is empty or names an unknown scope, and
// returns the list without repetitions, in the order of Scopes.
func validateScopes(v *ports.Validation, field string, scopes []string) []string {
	if !v.Check(len(scopes) > 0, field, "must list at least one scope") {
		return nil
	}
	for i, sc := range scopes {
		v.Check(slices.Contains(Scopes, sc), field+"["+strconv.Itoa(i)+"]", "must be one of: "+strings.Join(Scopes, ", "))
	}
	return normalize(scopes)
}

// normalize orders scopes as Scopes lists them, once each.
func normalize(scopes []string) []string {
	out := []string{}
	for _, sc := range Scopes {
		if slices.Contains(scopes, sc) {
			out = append(out, sc)
		}
	}
	return out
}

// subset reports whether every scope of want is in have.
func subset(want, have []string) bool {
	for _, sc := range want {
		if !slices.Contains(have, sc) {
			return false
		}
	}
	return true
}

func validateName(v *ports.Validation, name string) {
	n := utf8.RuneCountInString(strings.TrimSpace(name))
	v.Check(n >= 1 && n <= MaxNameLength, "token_name", "must be 1 to 100 characters")
}
