// Package giftcard is a client's gift cards: a code worth an amount in one currency, created in
// bulk by the client's admins and redeemed once, whole, by a subscriber into their account
// balance (core/balance). Codes come from a cryptographic source and are never stored: only the
// SHA-256 of the normalised code is, which is all a look-up by code needs; the codes are shown
// once, in the answer that creates them.
package giftcard

import (
	"crypto/sha256"
	"strings"
	"time"

	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/ports"
)

// The statuses a card reads as, computed at a time: redeemed once redeemed, expired once past
// its expiry, active before.
const (
	StatusActive   = "active"
	StatusRedeemed = "redeemed"
	StatusExpired  = "expired"
)

// Bounds of a bulk creation, as the specification states them, and of a code.
const (
	MinQuantity   = 1
	MaxQuantity   = 500
	MaxCodeLength = 64
	// MaxExpiry bounds how far ahead a card may expire.
	MaxExpiry = 10 * 366 * 24 * time.Hour
)

// A code is groups × groupSize symbols of ports.CodeAlphabet (no look-alikes): 16 of 31 symbols
// are about 79 bits, far beyond guessing.

const (
	groups    = 4
	groupSize = 4
)

// Card is one gift card of a client.
type Card struct {
	ID       string
	TenantID string
	// CodeHash is Hash of the card's code.
	CodeHash []byte
	// Value is what the card credits, exact.
	Value     money.Amount
	ExpiresAt *time.Time
	// CreatedBy is the admin who created it.
	CreatedBy string
	CreatedAt time.Time
	// RedeemedBy is the user who redeemed it, empty until then.
	RedeemedBy string
	RedeemedAt *time.Time
}

// Status is what the card reads as at now.
func (c Card) Status(now time.Time) string {
	switch {
	case c.RedeemedBy != "":
		return StatusRedeemed
	case c.ExpiresAt != nil && !now.Before(*c.ExpiresAt):
		return StatusExpired
	default:
		return StatusActive
	}
}

// Remaining is what the card may still credit: its value until it is redeemed, then zero.
func (c Card) Remaining() money.Amount {
	r := c.Value
	if c.RedeemedBy != "" {
		r.Minor = 0
	}
	return r
}

// Issued is a card just created, with its code (shown only in the answer that creates it).
type Issued struct {
	Card
	Code string
}

// NewCode returns a random code, four groups of four symbols: "7KQD-M2XH-R9TB-WC4P".
func NewCode() (string, error) {
	symbols, err := ports.RandomSymbols(groups * groupSize)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i := 0; i < len(symbols); i += groupSize {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(symbols[i : i+groupSize])
	}
	return b.String(), nil
}

// Normalize writes a code as typed in its stored form: upper case, without spaces or hyphens. It
// answers false for what cannot be a code, which is then not looked up.
func Normalize(code string) (string, bool) {
	if len(code) > MaxCodeLength {
		return "", false
	}
	s := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToUpper(code))
	if len(s) != groups*groupSize {
		return "", false
	}
	for _, r := range s {
		if !strings.ContainsRune(ports.CodeAlphabet, r) {
			return "", false
		}
	}
	return s, true
}

// Format writes a normalised code in groups: "7KQD-M2XH-R9TB-WC4P".
func Format(normalized string) string {
	var b strings.Builder
	for i, r := range normalized {
		if i > 0 && i%groupSize == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Hash is what is stored of a normalised code: its SHA-256.
func Hash(normalized string) []byte {
	h := sha256.Sum256([]byte(normalized))
	return h[:]
}
