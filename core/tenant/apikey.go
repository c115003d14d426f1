package tenant

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"strings"
	"time"
)

// APIKey is a credential a tenant's apps send as X-API-Key. Only a hash of the secret is kept;
// the prefix stays visible so people can tell keys apart.
type APIKey struct {
	ID         string
	TenantID   string
	Name       string
	Prefix     string
	Hash       []byte
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Revoked reports whether the key was revoked.
func (k APIKey) Revoked() bool { return k.RevokedAt != nil }

// keyScheme starts every API key, so that secret scanners can recognise a leaked one.
const keyScheme = "stv_"

var lowerBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewAPIKeySecret makes a new key: the prefix (public, unique, 12 characters), the full secret
// to show once, and the hash to store. The secret carries 256 random bits.
func NewAPIKeySecret() (prefix, secret string, hash []byte) {
	var p [5]byte
	var s [32]byte
	mustRandom(p[:])
	mustRandom(s[:])
	prefix = keyScheme + lowerBase32.EncodeToString(p[:])
	secret = prefix + "_" + base64.RawURLEncoding.EncodeToString(s[:])
	return prefix, secret, HashAPIKey(secret)
}

// HashAPIKey hashes a presented key. A plain SHA-256 suffices: the secret has 256 random bits,
// so no slow hash is needed to resist guessing.
func HashAPIKey(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// PrefixOf returns the prefix of a presented key, or false when it has not the key's shape.
func PrefixOf(secret string) (string, bool) {
	prefix, rest, ok := strings.Cut(secret, "_")
	if !ok || prefix+"_" != keyScheme {
		return "", false
	}
	body, _, ok := strings.Cut(rest, "_")
	if !ok || len(body) != 8 {
		return "", false
	}
	return keyScheme + body, true
}

// Matches reports whether the presented secret is this key's, in constant time.
func (k APIKey) Matches(secret string) bool {
	return subtle.ConstantTimeCompare(k.Hash, HashAPIKey(secret)) == 1
}

func mustRandom(b []byte) {
	if _, err := rand.Read(b); err != nil {
		panic("tenant: no randomness: " + err.Error())
	}
}
