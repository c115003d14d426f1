package sso

import (
	"context"
	"errors"

	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/core/throttle"
	"github.com/stvos/stvos/ports"
)

// Deps are what single sign-on needs.
type Deps struct {
	UnitOfWork    ports.UnitOfWork
	Store         Store
	Accounts      Accounts
	Organizations Organizations
	Throttle      *throttle.Throttle
	Clock         ports.Clock
}

// Service issues and trades login tickets.
type Service struct{ d Deps }

// NewService returns single sign-on.
func NewService(d Deps) *Service { return &Service{d: d} }

// ErrBadLoginToken answers a login token that is unknown, expired, already traded or of another
// client, alike.
var ErrBadLoginToken = ports.Unauthenticated("INVALID_SSO_TOKEN", "The sso_login_token is invalid, expired, already used or of another client.")

// Issue creates a login ticket for the person, vouched for by the partner token tokenID, and
// returns its login token (shown once; only its hash is kept), valid TicketTTL.
func (s *Service) Issue(ctx context.Context, tenantID, partnerID, tokenID string, p Person) (string, error) {
	var v ports.Validation
	p.validate(&v)
	if err := v.Err(); err != nil {
		return "", err
	}
	now := s.d.Clock.Now()
	t := Ticket{ID: ports.NewID(), TenantID: tenantID, PartnerID: partnerID, TokenID: tokenID, Email: p.Email, FullName: p.FullName,
		PhoneNumber: p.PhoneNumber, Role: p.Role, ProviderOrgID: p.ProviderOrgID, ProviderOrgName: p.ProviderOrgName,
		CreatedAt: now, ExpiresAt: now.Add(TicketTTL)}
	token, hash := newLoginToken(t)
	t.SecretHash = hash
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		return s.d.Store.Create(ctx, t)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Exchange trades a login token, once, for a session of the person in the client the caller's
// API key names (tenantID): the user with the ticket's email, created when there is none and
// joined to the partner's organization the ticket names. Guesses count against the caller's
// address in the failure throttle.
func (s *Service) Exchange(ctx context.Context, tenantID, token string, c session.Client) (account.User, session.TokenSet, error) {
	var (
		u  account.User
		ts session.TokenSet
	)
	attempt, err := s.d.Throttle.Begin(ctx, tenantID, "", c.Address)
	if err != nil {
		return u, ts, err
	}
	err = s.exchange(ctx, tenantID, token, c, &u, &ts)
	switch {
	case err == nil:
		attempt.Succeeded(ctx)
	case errors.Is(err, ErrBadLoginToken):
		attempt.Failed(ctx)
	}
	return u, ts, err
}

func (s *Service) exchange(ctx context.Context, tenantID, token string, c session.Client, u *account.User, ts *session.TokenSet) error {
	tokTenant, id, secret, ok := parseLoginToken(token)
	if !ok || tokTenant != tenantID {
		return ErrBadLoginToken
	}
	return s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		t, err := s.d.Store.Get(ctx, id)
		if errors.Is(err, ports.ErrNotFound) {
			return ErrBadLoginToken
		}
		if err != nil {
			return err
		}
		now := s.d.Clock.Now()
		if !t.matches(secret) || t.UsedAt != nil || !now.Before(t.ExpiresAt) {
			return ErrBadLoginToken
		}
		if err := s.d.Store.MarkUsed(ctx, id, now); err != nil {
			return err
		}
		found, _, err := s.d.Accounts.Provision(ctx, tenantID, t.Email, t.FullName)
		if err != nil {
			return err
		}
		if _, err := s.d.Organizations.Join(ctx, t.PartnerID, t.ProviderOrgID, found.ID, t.Role); err != nil {
			return err
		}
		*u, *ts, err = s.d.Accounts.OpenSession(ctx, found.ID, c)
		return err
	})
}
