// Package seal implements ports.Sealer with AES-256-GCM: each value gets a fresh random nonce, and
// the context string is the authenticated data, so a value sealed for one use does not open for
// another. Sealed values are "v1." followed by base64url(nonce || ciphertext).
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/stvos/stvos/ports"
)

// Sealer seals with one key.
type Sealer struct{ aead cipher.AEAD }

var _ ports.Sealer = (*Sealer)(nil)

// New returns a sealer with a 32-byte key.
func New(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, errors.New("seal: the key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Derive returns a 32-byte key for purpose from secret material (HKDF-SHA256).
func Derive(secret []byte, purpose string) ([]byte, error) {
	return hkdf.Key(sha256.New, secret, nil, "stvos/"+purpose, 32)
}

const prefix = "v1."

// Seal implements ports.Sealer.
func (s *Sealer) Seal(plain []byte, context string) (string, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := s.aead.Seal(nonce, nonce, plain, []byte(context))
	return prefix + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open implements ports.Sealer.
func (s *Sealer) Open(sealed string, context string) ([]byte, error) {
	bad := &ports.Error{Kind: ports.ErrInvalid, Code: "SEALED_VALUE_INVALID", Message: "The sealed value does not open."}
	rest, ok := strings.CutPrefix(sealed, prefix)
	if !ok {
		return nil, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(raw) < s.aead.NonceSize()+s.aead.Overhead() {
		return nil, bad
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(context))
	if err != nil {
		return nil, bad
	}
	return plain, nil
}
