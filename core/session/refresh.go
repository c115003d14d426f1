package session

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"

	"github.com/stvos/stvos/ports"
)

// A refresh token reads "<scope>.<session id>.<secret>", the scope being the tenant id or
// "platform", so the session can be found in its tenant without a directory look-up. Only the
// secret's hash is stored.
const platformScope = "platform"

func newRefreshToken(sess Session) (string, []byte) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("session: no randomness: " + err.Error())
	}
	secret := base64.RawURLEncoding.EncodeToString(b[:])
	scope := sess.TenantID
	if scope == "" {
		scope = platformScope
	}
	return scope + "." + sess.ID + "." + secret, HashSecret(secret)
}

// HashSecret is what is kept of a refresh secret.
func HashSecret(secret string) []byte {
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
