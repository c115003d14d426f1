package partnertoken

import (
	"context"
	"errors"
	"time"

	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// RefreshTTL is how long the sessions the token endpoint opens may be refreshed; after that the
// client signs in again with its client credentials.
const RefreshTTL = 24 * time.Hour

// The grant types of the token endpoint.
const (
	GrantClientCredentials = "client_credentials"
	GrantRefreshToken      = "refresh_token"
)

// throttleRealm is the realm of failed client authentications in the failure throttle.
const throttleRealm = "enterprise"

// Request is a call of the token endpoint.
type Request struct {
	GrantType    string
	ClientID     string
	ClientSecret string
	RefreshToken string
	// Exp is when the access token should expire (Unix seconds); zero for the default.
	Exp    int64
	Scopes []string
	Client session.Client
}

// Granted is what the token endpoint answers.
type Granted struct {
	session.TokenSet
	Scopes []string
}

// Grant runs the token endpoint: client_credentials opens a session for the partner token,
// refresh_token rotates one of its sessions' refresh tokens (reusing a rotated one ends the
// session). Either way the client authenticates with client_id and client_secret, under the
// failure throttle of every sign-in; the scope and exp rules are NarrowScopes and AccessTTL.
func (s *Service) Grant(ctx context.Context, r Request) (Granted, error) {
	var v ports.Validation
	v.Check(r.GrantType == GrantClientCredentials || r.GrantType == GrantRefreshToken, "grant_type", "must be client_credentials or refresh_token")
	v.Check(r.ClientID != "", "client_id", "is required")
	v.Check(r.ClientSecret != "", "client_secret", "is required")
	v.Check(r.GrantType != GrantRefreshToken || r.RefreshToken != "", "refresh_token", "is required with grant_type refresh_token")
	if err := v.Err(); err != nil {
		e := ports.AsError(err)
		return Granted{}, ports.BadRequest("invalid_request", "The token request is invalid.", e.Fields...)
	}
	for _, sc := range r.Scopes {
		if !contains(Scopes, sc) {
			return Granted{}, ports.BadRequest("invalid_scope", "Unknown scope "+sc+".", ports.FieldError{Field: "scopes", Reason: "unknown scope " + sc})
		}
	}
	ttl, err := AccessTTL(s.d.Clock.Now(), r.Exp)
	if err != nil {
		return Granted{}, err
	}
	attempt, err := s.d.Throttle.Begin(ctx, throttleRealm, r.ClientID, r.Client.Address)
	if err != nil {
		return Granted{}, err
	}
	var g Granted
	if r.GrantType == GrantClientCredentials {
		g, err = s.clientCredentials(ctx, r, ttl)
	} else {
		g, err = s.refresh(ctx, r, ttl)
	}
	switch {
	case err == nil:
		attempt.Succeeded(ctx)
	case errors.Is(err, ErrInvalidClient):
		attempt.Failed(ctx)
	}
	return g, err
}

func (s *Service) clientCredentials(ctx context.Context, r Request, ttl time.Duration) (Granted, error) {
	var g Granted
	err := s.inClientTenant(ctx, r.ClientID, r.ClientSecret, func(ctx context.Context, t Token) (err error) {
		g.Scopes, err = NarrowScopes(t.Scopes, r.Scopes)
		if err != nil {
			return err
		}
		g.TokenSet, err = s.d.Sessions.Open(ctx, principal(t, g.Scopes, ttl), r.Client, RefreshTTL)
		return err
	})
	return g, err
}

// refresh authenticates the client, then rotates the refresh token in its own transaction (the
// session service's, so that the revocation of a reused token's family is never rolled back).
// The scopes are narrowed from the token's current ones: a refresh never grants more than the
// client could ask for with its credentials.
func (s *Service) refresh(ctx context.Context, r Request, ttl time.Duration) (Granted, error) {
	var t Token
	err := s.inClientTenant(ctx, r.ClientID, r.ClientSecret, func(_ context.Context, found Token) error {
		t = found
		return nil
	})
	if err != nil {
		return Granted{}, err
	}
	scopes, err := NarrowScopes(t.Scopes, r.Scopes)
	if err != nil {
		return Granted{}, err
	}
	ts, err := s.d.Sessions.Refresh(ctx, session.KindEnterprise, t.TenantID, r.RefreshToken, func(ctx context.Context, sess session.Session) (session.Principal, error) {
		now, err := s.d.Store.Get(ctx, sess.SubjectID)
		if err != nil || now.ID != t.ID || now.Revoked() {
			return session.Principal{}, ErrInvalidGrant
		}
		if err := s.partnerActive(ctx, now); err != nil {
			return session.Principal{}, err
		}
		return principal(now, scopes, ttl), nil
	})
	if errors.Is(err, session.ErrBadRefreshToken) {
		return Granted{}, ErrInvalidGrant
	}
	return Granted{TokenSet: ts, Scopes: scopes}, err
}

// inClientTenant finds the client's tenant in the platform directory, then, narrowed to it, the
// partner token, checks the secret (unknown client, wrong secret and revoked token all answer
// ErrInvalidClient) and that its partner and client are active, and runs fn: one transaction.
func (s *Service) inClientTenant(ctx context.Context, clientID, secret string, fn func(ctx context.Context, t Token) error) error {
	if !validClientID(clientID) {
		return ErrInvalidClient
	}
	return s.d.UnitOfWork.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		tenantID, err := s.d.Directory.Lookup(ctx, DirectoryClient, clientID)
		if errors.Is(err, ports.ErrNotFound) {
			return ErrInvalidClient
		}
		if err != nil {
			return err
		}
		return s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
			t, err := s.d.Store.ByClientID(ctx, clientID)
			if errors.Is(err, ports.ErrNotFound) {
				return ErrInvalidClient
			}
			if err != nil {
				return err
			}
			if !t.Matches(secret) || t.Revoked() {
				return ErrInvalidClient
			}
			if err := s.partnerActive(ctx, t); err != nil {
				return err
			}
			return fn(ctx, t)
		})
	})
}

func (s *Service) partnerActive(ctx context.Context, t Token) error {
	p, err := s.d.Partners.Get(ctx, t.PartnerID)
	if err != nil {
		return err
	}
	active, err := s.d.Tenants.TenantActive(ctx, t.TenantID)
	if err != nil {
		return err
	}
	if p.Status != partner.StatusActive || !active {
		return credential.ErrSuspended
	}
	return nil
}

// principal is who an enterprise token's sessions are for: the partner token, acting for its
// partner in its client with the scopes granted.
func principal(t Token, scopes []string, ttl time.Duration) session.Principal {
	return session.Principal{Kind: session.KindEnterprise, SubjectID: t.ID, TenantID: t.TenantID, PartnerID: t.PartnerID, OrgID: t.OrgID,
		Roles: []string{session.RoleEnterprise}, Scopes: scopes, AccessTTL: ttl}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
