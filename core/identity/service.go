package identity

import (
	"context"
	"errors"
	"time"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/core/throttle"
	"github.com/stvos/stvos/ports"
)

// Token and session lifetimes.
const (
	AccessTokenTTL     = 15 * time.Minute
	OperatorSessionTTL = 12 * time.Hour
	StaffSessionTTL    = 7 * 24 * time.Hour
	UserSessionTTL     = 30 * 24 * time.Hour
)

// Deps are what the identity use cases need.
type Deps struct {
	UnitOfWork  ports.UnitOfWork
	Store       Store
	Staff       StaffStore
	Tenants     TenantStatus
	Directory   ports.Directory
	Hasher      ports.PasswordHasher
	Signer      ports.TokenSigner
	Revocations ports.Revocations
	// Throttle refuses password guesses once the failures allowed are spent.
	Throttle *throttle.Throttle
	Audit    audit.Store
	OAuth    OAuthStore
	Blobs    ports.BlobStore
	Clock    ports.Clock
	// OnSuspend are told, inside the suspension's unit of work, that a user was suspended (the
	// playback context frees the user's stream slots through it).
	OnSuspend []SuspendHook
}

// SuspendHook reacts to a user's suspension.
type SuspendHook interface {
	UserSuspended(ctx context.Context, tenantID, userID string) error
}

// Service holds the sign-in and account use cases.
type Service struct {
	Deps
	uow ports.UnitOfWork
	// dummyHash is checked when no account matches, so a wrong email costs as long as a wrong
	// password and timing does not reveal which addresses exist.
	dummyHash string
}

// NewService returns the identity use cases.
func NewService(d Deps) (*Service, error) {
	dummy, err := d.Hasher.Hash("not a password anyone has")
	if err != nil {
		return nil, err
	}
	return &Service{Deps: d, uow: d.UnitOfWork, dummyHash: dummy}, nil
}

// The answers to failed sign-ins.
var (
	// ErrBadCredentials is the one answer to a wrong email or password, whatever was wrong.
	ErrBadCredentials = ports.Unauthenticated("INVALID_CREDENTIALS", "The email or password is wrong.")
	// ErrBadRefreshToken answers an unknown, expired, revoked or reused refresh token.
	ErrBadRefreshToken = ports.Unauthenticated("INVALID_REFRESH_TOKEN", "The refresh token is invalid, expired or revoked.")
	// ErrSuspended answers a suspended account's correct sign-in.
	ErrSuspended = ports.Forbidden("ACCOUNT_SUSPENDED", "This account is suspended.")
)

// Bootstrap creates the first operator unless one with that email exists; it reports whether it
// created one. Running it again with the same email changes nothing.
func (s *Service) Bootstrap(ctx context.Context, email, password, name string) (Operator, bool, error) {
	email = partner.NormalizeEmail(email)
	var v ports.Validation
	partner.ValidateEmail(&v, "email", email)
	partner.ValidatePassword(&v, "password", password)
	if err := v.Err(); err != nil {
		return Operator{}, false, err
	}
	if name == "" {
		name = email
	}
	var (
		op      Operator
		created bool
	)
	err := s.uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		existing, err := s.Store.OperatorByEmail(ctx, email)
		if err == nil {
			op = existing
			return nil
		}
		if !errors.Is(err, ports.ErrNotFound) {
			return err
		}
		hash, err := s.Hasher.Hash(password)
		if err != nil {
			return err
		}
		op = Operator{ID: ports.NewID(), Email: email, Name: name, PasswordHash: hash, CreatedAt: s.Clock.Now()}
		created = true
		return s.Store.CreateOperator(ctx, op)
	})
	return op, created, err
}

// OperatorLogin signs an operator in and opens a session.
func (s *Service) OperatorLogin(ctx context.Context, email, password string, c Client) (TokenSet, error) {
	email = partner.NormalizeEmail(email)
	var ts TokenSet
	err := s.guess(ctx, "platform", email, c.Address, func() error {
		return s.uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
			op, err := s.Store.OperatorByEmail(ctx, email)
			if err := s.checkPassword(password, op.PasswordHash, err); err != nil {
				return err
			}
			ts, err = s.open(ctx, Principal{Kind: KindOperator, SubjectID: op.ID, Roles: []string{RoleSuperadmin}}, c, OperatorSessionTTL)
			return err
		})
	})
	return ts, err
}

// checkPassword verifies a password against the account found (or not: lookupErr), spending the
// same time either way.
func (s *Service) checkPassword(password, hash string, lookupErr error) error {
	if errors.Is(lookupErr, ports.ErrNotFound) {
		_, _ = s.Hasher.Verify(password, s.dummyHash)
		return ErrBadCredentials
	}
	if lookupErr != nil {
		return lookupErr
	}
	ok, err := s.Hasher.Verify(password, hash)
	if err != nil {
		return err
	}
	if !ok {
		return ErrBadCredentials
	}
	return nil
}

// guess runs a sign-in (check) under the failure throttle of its realm ("platform", "partner"
// or a tenant id): it is refused while the failures allowed for the account from the address, or
// for the address across accounts, are spent; a wrong email or password counts as a failure;
// a success forgets the account's failures from that address. Every sign-in with a password
// goes through here.
func (s *Service) guess(ctx context.Context, realm, email, address string, check func() error) error {
	attempt, err := s.Throttle.Begin(ctx, realm, email, address)
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
