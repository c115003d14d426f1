package identity

import (
	"context"
	"errors"
	"time"

	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/ports"
)

// Token lifetimes.
const (
	AccessTokenTTL     = 15 * time.Minute
	OperatorSessionTTL = 12 * time.Hour
)

// Audience of operator tokens: the platform surface.
const AudiencePlatform = "platform"

// Service holds the sign-in use cases.
type Service struct {
	uow    ports.UnitOfWork
	store  Store
	hasher ports.PasswordHasher
	signer ports.TokenSigner
	clock  ports.Clock
	// dummyHash is checked when no account matches, so a wrong email costs as long as a wrong
	// password and timing does not reveal which addresses exist.
	dummyHash string
}

// NewService returns the identity use cases.
func NewService(uow ports.UnitOfWork, store Store, hasher ports.PasswordHasher, signer ports.TokenSigner, clock ports.Clock) (*Service, error) {
	dummy, err := hasher.Hash("not a password anyone has")
	if err != nil {
		return nil, err
	}
	return &Service{uow: uow, store: store, hasher: hasher, signer: signer, clock: clock, dummyHash: dummy}, nil
}

// ErrBadCredentials is the one answer to a failed sign-in, whatever was wrong.
var ErrBadCredentials = ports.Unauthenticated("INVALID_CREDENTIALS", "The email or password is wrong.")

// ErrBadRefreshToken is the answer to an unknown, expired, revoked or reused refresh token.
var ErrBadRefreshToken = ports.Unauthenticated("INVALID_REFRESH_TOKEN", "The refresh token is invalid, expired or revoked.")

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
		existing, err := s.store.OperatorByEmail(ctx, email)
		if err == nil {
			op = existing
			return nil
		}
		if !errors.Is(err, ports.ErrNotFound) {
			return err
		}
		hash, err := s.hasher.Hash(password)
		if err != nil {
			return err
		}
		op = Operator{ID: ports.NewID(), Email: email, Name: name, PasswordHash: hash, CreatedAt: s.clock.Now()}
		created = true
		return s.store.CreateOperator(ctx, op)
	})
	return op, created, err
}

// OperatorLogin signs an operator in and opens a session.
func (s *Service) OperatorLogin(ctx context.Context, email, password string) (TokenSet, error) {
	email = partner.NormalizeEmail(email)
	var ts TokenSet
	err := s.uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		op, err := s.store.OperatorByEmail(ctx, email)
		if errors.Is(err, ports.ErrNotFound) {
			_, _ = s.hasher.Verify(password, s.dummyHash)
			return ErrBadCredentials
		}
		if err != nil {
			return err
		}
		ok, err := s.hasher.Verify(password, op.PasswordHash)
		if err != nil {
			return err
		}
		if !ok {
			return ErrBadCredentials
		}
		now := s.clock.Now()
		sess := Session{ID: ports.NewID(), SubjectKind: KindOperator, SubjectID: op.ID,
			CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(OperatorSessionTTL)}
		refresh, hash := newRefreshToken(sess.ID)
		sess.RefreshHash = hash
		if err := s.store.CreateSession(ctx, sess); err != nil {
			return err
		}
		ts, err = s.issue(ctx, sess, refresh)
		return err
	})
	return ts, err
}

// Refresh rotates a refresh token. Presenting an already rotated token revokes the session: it
// was copied, and neither copy can be trusted any more.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (TokenSet, error) {
	id, secret, ok := splitRefreshToken(refreshToken)
	if !ok || !ports.IsID(id) {
		return TokenSet{}, ErrBadRefreshToken
	}
	var (
		ts     TokenSet
		reused bool
	)
	err := s.uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		sess, err := s.store.Session(ctx, id)
		if errors.Is(err, ports.ErrNotFound) {
			return ErrBadRefreshToken
		}
		if err != nil {
			return err
		}
		now := s.clock.Now()
		h := hashSecret(secret)
		if sameHash(h, sess.PreviousHash) && sess.RevokedAt == nil {
			sess.RevokedAt = &now
			reused = true
			return s.store.SaveSession(ctx, sess)
		}
		if !sameHash(h, sess.RefreshHash) || !sess.Live(now) {
			return ErrBadRefreshToken
		}
		refresh, hash := newRefreshToken(sess.ID)
		sess.PreviousHash, sess.RefreshHash, sess.LastUsedAt = sess.RefreshHash, hash, now
		if err := s.store.SaveSession(ctx, sess); err != nil {
			return err
		}
		ts, err = s.issue(ctx, sess, refresh)
		return err
	})
	if err == nil && reused {
		return TokenSet{}, ErrBadRefreshToken
	}
	return ts, err
}

func (s *Service) issue(ctx context.Context, sess Session, refresh string) (TokenSet, error) {
	now := s.clock.Now()
	c := ports.Claims{
		ID: ports.NewID(), Subject: sess.SubjectID, Kind: sess.SubjectKind, TenantID: sess.TenantID,
		Roles: []string{RoleSuperadmin}, SessionID: sess.ID, Audience: AudiencePlatform,
		IssuedAt: now.Unix(), ExpiresAt: now.Add(AccessTokenTTL).Unix(),
	}
	tok, err := s.signer.Sign(ctx, c)
	if err != nil {
		return TokenSet{}, err
	}
	return TokenSet{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int(AccessTokenTTL.Seconds()), RefreshToken: refresh}, nil
}
