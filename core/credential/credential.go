// Package credential holds the rules of the credentials people sign in with (an email address
// and a password) and how a password guess is checked: in the same time whether or not the
// account exists, and under the failure throttle, so guessing one account's password or trying
// one password on many accounts is refused while ordinary sign-ins spend nothing.
package credential

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/stvos/stvos/core/throttle"
	"github.com/stvos/stvos/ports"
)

// Limits of the credential rules. The HTTP schemas mirror them (minLength, maxLength, format);
// a test in app checks every schema against these rules.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 128
	MaxEmailLength    = 254
)

// NormalizeEmail trims and lower-cases an address; addresses compare in this form.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail reports whether an address (normalized or not) is a bare email address within the
// length limit.
func ValidEmail(email string) bool {
	a, err := mail.ParseAddress(email)
	return err == nil && a.Address == email && len(email) <= MaxEmailLength && a.Name == ""
}

// ValidateEmail records a refusal of a malformed address.
func ValidateEmail(v *ports.Validation, field, email string) {
	v.Check(ValidEmail(email), field, "must be an email address")
}

// ValidPassword reports whether a new password meets the length rules (counted in characters).
func ValidPassword(password string) bool {
	n := utf8.RuneCountInString(password)
	return n >= MinPasswordLength && n <= MaxPasswordLength
}

// ValidatePassword records a refusal of a new password outside the length rules.
func ValidatePassword(v *ports.Validation, field, password string) {
	v.Check(ValidPassword(password), field, "must be 10 to 128 characters")
}

// The answers to failed sign-ins.
var (
	// ErrBadCredentials is the one answer to a wrong email or password, whatever was wrong.
	ErrBadCredentials = ports.Unauthenticated("INVALID_CREDENTIALS", "The email or password is wrong.")
	// ErrSuspended answers a suspended account's correct sign-in.
	ErrSuspended = ports.Forbidden("ACCOUNT_SUSPENDED", "This account is suspended.")
)

// Passwords hashes new passwords and checks guesses.
type Passwords struct {
	hasher   ports.PasswordHasher
	throttle *throttle.Throttle
	// dummy is checked when no account matches, so a wrong email costs as long as a wrong
	// password and timing does not reveal which addresses exist.
	dummy string
}

// NewPasswords returns the password checker; throttle may be nil where nobody guesses (the
// bootstrap command).
func NewPasswords(h ports.PasswordHasher, t *throttle.Throttle) (*Passwords, error) {
	dummy, err := h.Hash("not a password anyone has")
	if err != nil {
		return nil, err
	}
	return &Passwords{hasher: h, throttle: t, dummy: dummy}, nil
}

// Hash returns the hash to keep of a new password.
func (p *Passwords) Hash(password string) (string, error) { return p.hasher.Hash(password) }

// Check verifies a password against the account found (or not: lookupErr is ports.ErrNotFound),
// spending the same time either way. A wrong email or password is ErrBadCredentials, and so is
// any password for an account that has none (one provisioned by single sign-on or with an
// enterprise organization: it signs in that way until a password is set).
func (p *Passwords) Check(password, hash string, lookupErr error) error {
	if errors.Is(lookupErr, ports.ErrNotFound) || (lookupErr == nil && hash == "") {
		_, _ = p.hasher.Verify(password, p.dummy)
		return ErrBadCredentials
	}
	if lookupErr != nil {
		return lookupErr
	}
	ok, err := p.hasher.Verify(password, hash)
	if err != nil {
		return err
	}
	if !ok {
		return ErrBadCredentials
	}
	return nil
}

// Guess runs a sign-in (check) under the failure throttle of its realm ("platform", "partner"
// or a tenant id): it is refused while the failures allowed for the account from the address, or
// for the address across accounts, are spent; ErrBadCredentials counts as a failure; a success
// forgets the account's failures from that address. Every sign-in with a password goes through
// here.
func (p *Passwords) Guess(ctx context.Context, realm, email, address string, check func() error) error {
	if p.throttle == nil {
		return check()
	}
	attempt, err := p.throttle.Begin(ctx, realm, email, address)
	if err != nil {
		return err
	}
	err = check()
	switch {
	case err == nil:
		attempt.Succeeded(ctx)
	case errors.Is(err, ErrBadCredentials):
		attempt.Failed(ctx)
	}
	return err
}
