package surface

import (
	"crypto/sha256"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/stvos/stvos/ports"
)

// verifiedTokens remembers the claims of access tokens this process has verified, until each
// token expires, so a signature is checked once per token and process rather than once per
// request. Entries are keyed by a digest of token and audience: the cache holds no usable token.
// Revocation does not depend on it: every request still checks the session in the admission
// round trip.
type verifiedTokens struct {
	cache *lru.Cache[[sha256.Size]byte, ports.Claims]
}

const verifiedTokenEntries = 20_000

func newVerifiedTokens() *verifiedTokens {
	c, _ := lru.New[[sha256.Size]byte, ports.Claims](verifiedTokenEntries)
	return &verifiedTokens{cache: c}
}

func tokenDigest(token, audience string) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(audience))
	h.Write([]byte{0})
	h.Write([]byte(token))
	var d [sha256.Size]byte
	h.Sum(d[:0])
	return d
}

// get returns the claims of a verified token of the audience that has not expired at now.
func (v *verifiedTokens) get(token, audience string, now time.Time) (ports.Claims, bool) {
	d := tokenDigest(token, audience)
	c, ok := v.cache.Get(d)
	if !ok {
		return ports.Claims{}, false
	}
	if now.Unix() >= c.ExpiresAt {
		v.cache.Remove(d)
		return ports.Claims{}, false
	}
	return c, true
}

// put remembers the claims of a token just verified for the audience.
func (v *verifiedTokens) put(token, audience string, c ports.Claims) {
	v.cache.Add(tokenDigest(token, audience), c)
}
