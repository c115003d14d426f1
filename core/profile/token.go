package profile

import (
	"context"
	"time"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/ports"
)

// Profile tokens say which profile of an account is watching. They are access tokens of their
// own kind and audience, signed by the platform's ports.TokenSigner, so no surface takes one as
// a bearer token, and they live a few minutes: the app asks for a new one (verifying the PIN
// again, if the profile has one) when it expires.
const (
	// TokenKind is the Kind of a profile token's claims.
	TokenKind = "profile"
	// TokenAudience is the audience of profile tokens.
	TokenAudience = "profile"
	// TokenTTL is the life of a profile token.
	TokenTTL = 10 * time.Minute
)

// Token is a profile token just issued.
type Token struct {
	Token     string
	ExpiresIn int // seconds
}

// Session is what a valid profile token says.
type Session struct {
	TenantID  string
	UserID    string
	ProfileID string
}

// ErrBadToken answers a profile token that does not verify (malformed, expired, another client's,
// or not a profile token).
var ErrBadToken = ports.Unauthenticated("INVALID_PROFILE_TOKEN", "The profile token is malformed, expired or not meant for this client.")

// VerifyPIN checks the PIN of one of the account's profiles and answers a profile token for it.
// A profile without a PIN answers a token whatever PIN is sent (or none). A wrong or missing PIN
// of a protected profile is ErrWrongPIN (or a field error for a missing one) and counts as a
// failed guess of the profile from the address: past the throttle's allowance every verification
// is refused (ErrLimitExceeded, TOO_MANY_ATTEMPTS) for a while. sessionID is the caller's
// session, named in the token.
func (s *Service) VerifyPIN(ctx context.Context, tenantID string, by audit.Actor, sessionID, id string, pin *string, address string) (Token, error) {
	p, err := s.Get(ctx, tenantID, by.ID, id)
	if err != nil {
		return Token{}, err
	}
	if p.PINProtected() {
		if pin == nil {
			return Token{}, ports.Invalid("pin", "is required: the profile is PIN-protected")
		}
		attempt, err := s.d.Throttle.Begin(ctx, "profile-pin:"+tenantID, p.ID, address)
		if err != nil {
			return Token{}, err
		}
		ok := false
		if ValidPIN(*pin) {
			if ok, err = s.d.Hasher.Verify(*pin, p.PINHash); err != nil {
				return Token{}, err
			}
		}
		if !ok {
			attempt.Failed(ctx)
			return Token{}, ErrWrongPIN
		}
		attempt.Succeeded(ctx)
	}
	now := s.d.Clock.Now()
	tok, err := s.d.Signer.Sign(ctx, ports.Claims{ID: ports.NewID(), Subject: by.ID, Kind: TokenKind, TenantID: tenantID,
		ProfileID: p.ID, SessionID: sessionID, Audience: TokenAudience, IssuedAt: now.Unix(), ExpiresAt: now.Add(TokenTTL).Unix()})
	if err != nil {
		return Token{}, err
	}
	return Token{Token: tok, ExpiresIn: int(TokenTTL / time.Second)}, nil
}

// ParseToken answers what a profile token of the tenant says, or ErrBadToken. It does not read
// the profile: a use of the token that depends on the profile reads it then (and finds it gone if
// it was deleted).
func (s *Service) ParseToken(ctx context.Context, tenantID, token string) (Session, error) {
	c, err := s.d.Signer.Verify(ctx, token, TokenAudience)
	if err != nil || c.Kind != TokenKind || c.TenantID != tenantID || !ports.IsID(c.ProfileID) || c.Subject == "" {
		e := *ErrBadToken
		e.Cause = err
		return Session{}, &e
	}
	return Session{TenantID: c.TenantID, UserID: c.Subject, ProfileID: c.ProfileID}, nil
}
