// Package argon2 implements ports.PasswordHasher with argon2id (RFC 9106), encoding hashes in the
// PHC string format so parameters can be raised later without breaking stored hashes.
package argon2

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/stvos/stvos/ports"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams follow the second recommended option of RFC 9106 scaled to a 64 MiB budget, as
// OWASP suggests for interactive sign-in.
var DefaultParams = Params{Memory: 64 * 1024, Time: 2, Threads: 2}

// Hasher implements ports.PasswordHasher. At most as many hashes run at once as the process has
// CPUs: each takes Params.Memory, so 64 sign-ups arriving together would otherwise hold 4 GiB,
// and more at once would not finish sooner (the work is CPU-bound); the rest wait their turn.
type Hasher struct {
	p     Params
	slots chan struct{}
}

var _ ports.PasswordHasher = Hasher{}

// New returns a hasher with the given parameters.
func New(p Params) Hasher {
	return Hasher{p: p, slots: make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))}
}

// idKey computes an argon2id key in one of the hasher's slots.
func (h Hasher) idKey(password string, salt []byte, p Params, n uint32) []byte {
	if h.slots != nil {
		h.slots <- struct{}{}
		defer func() { <-h.slots }()
	}
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, n)
}

// Hash returns the PHC-encoded argon2id hash of the password with a fresh salt.
func (h Hasher) Hash(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := h.idKey(password, salt, h.p, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.p.Memory, h.p.Time, h.p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// ErrMalformedHash is returned for a stored hash that is not an argon2id PHC string.
var ErrMalformedHash = errors.New("argon2: malformed hash")

// Verify checks the password against an encoded hash, in constant time.
func (h Hasher) Verify(password, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrMalformedHash
	}
	var (
		v int
		p Params
	)
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, ErrMalformedHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, ErrMalformedHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, ErrMalformedHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, ErrMalformedHash
	}
	got := h.idKey(password, salt, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
