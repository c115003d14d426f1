// Package operator is the platform's operators: the superadmins who onboard and run tenants, the
// first one created by `stvos bootstrap`, and their sign-in.
package operator

import (
	"context"
	"errors"
	"time"

	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// SessionTTL is how long an operator's sign-in may be refreshed.
const SessionTTL = 12 * time.Hour

// Operator is a platform superadmin who onboards and runs tenants.
type Operator struct {
	ID           string
	Email        string
	Name         string
	PasswordHash string
	CreatedAt    time.Time
}

func (o Operator) principal() session.Principal {
	return session.Principal{Kind: session.KindOperator, SubjectID: o.ID, Roles: []string{session.RoleSuperadmin}}
}

// Deps are what operator sign-in needs; Sessions may be nil where nobody signs in (bootstrap).
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	Passwords  *credential.Passwords
	Sessions   *session.Service
	Clock      ports.Clock
}

// Service holds the operator use cases.
type Service struct{ d Deps }

// NewService returns the operator use cases.
func NewService(d Deps) *Service { return &Service{d: d} }

// Bootstrap creates the first operator unless one with that email exists; it reports whether it
// created one. Running it again with the same email changes nothing.
func (s *Service) Bootstrap(ctx context.Context, email, password, name string) (Operator, bool, error) {
	email = credential.NormalizeEmail(email)
	var v ports.Validation
	credential.ValidateEmail(&v, "email", email)
	credential.ValidatePassword(&v, "password", password)
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
	err := s.d.UnitOfWork.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		existing, err := s.d.Store.OperatorByEmail(ctx, email)
		if err == nil {
			op = existing
			return nil
		}
		if !errors.Is(err, ports.ErrNotFound) {
			return err
		}
		hash, err := s.d.Passwords.Hash(password)
		if err != nil {
			return err
		}
		op = Operator{ID: ports.NewID(), Email: email, Name: name, PasswordHash: hash, CreatedAt: s.d.Clock.Now()}
		created = true
		return s.d.Store.CreateOperator(ctx, op)
	})
	return op, created, err
}

// Login signs an operator in and opens a session.
func (s *Service) Login(ctx context.Context, email, password string, c session.Client) (session.TokenSet, error) {
	email = credential.NormalizeEmail(email)
	var ts session.TokenSet
	err := s.d.Passwords.Guess(ctx, "platform", email, c.Address, func() error {
		return s.d.UnitOfWork.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
			op, err := s.d.Store.OperatorByEmail(ctx, email)
			if err := s.d.Passwords.Check(password, op.PasswordHash, err); err != nil {
				return err
			}
			ts, err = s.d.Sessions.Open(ctx, op.principal(), c, SessionTTL)
			return err
		})
	})
	return ts, err
}

// Refresh rotates an operator's refresh token.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (session.TokenSet, error) {
	return s.d.Sessions.Refresh(ctx, session.KindOperator, "", refreshToken, func(ctx context.Context, sess session.Session) (session.Principal, error) {
		op, err := s.d.Store.Operator(ctx, sess.SubjectID)
		return op.principal(), err
	})
}
