package partnertoken

import (
	"context"
	"errors"
	"strings"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/core/throttle"
	"github.com/stvos/stvos/ports"
)

// Deps are what partner tokens need.
type Deps struct {
	UnitOfWork    ports.UnitOfWork
	Store         Store
	Organizations Organizations
	Partners      Partners
	Tenants       TenantStatus
	Directory     ports.Directory
	Sessions      *session.Service
	Throttle      *throttle.Throttle
	Audit         audit.Store
	Clock         ports.Clock
}

// Service manages partner tokens and runs the token endpoint.
type Service struct{ d Deps }

// NewService returns the partner token use cases.
func NewService(d Deps) *Service { return &Service{d: d} }

// Caller is who manages partner tokens: a partner's staff member, or a partner token acting
// through its access token (Scopes then holds its scopes, and bounds what it may mint or revoke).
type Caller struct {
	TenantID  string
	PartnerID string
	Actor     audit.Actor
	// Token is true for an enterprise token; Scopes are then its scopes.
	Token  bool
	Scopes []string
}

// ErrScopeNotHeld answers a token that tries to mint or revoke a token with scopes it does not
// hold itself.
var ErrScopeNotHeld = ports.Forbidden("INSUFFICIENT_SCOPE", "A partner token may only mint or revoke tokens whose scopes it holds itself.")

// New is a partner token to mint.
type New struct {
	OrgID  string
	Name   string
	Scopes []string
}

// Issued is a new token with its secret, to show once.
type Issued struct {
	Token
	ClientSecret string
}

// Create mints a partner token for one of the caller's partner's organizations (another
// partner's is 404). The secret is returned this once; only its hash is kept.
func (s *Service) Create(ctx context.Context, c Caller, in New) (Issued, error) {
	var v ports.Validation
	validateName(&v, in.Name)
	v.Check(in.OrgID != "", "org_id", "is required")
	scopes := validateScopes(&v, "scopes", in.Scopes)
	if err := v.Err(); err != nil {
		return Issued{}, err
	}
	if c.Token && !subset(scopes, c.Scopes) {
		return Issued{}, ErrScopeNotHeld
	}
	clientID, secret, hash := newCredentials()
	t := Token{ID: ports.NewID(), TenantID: c.TenantID, PartnerID: c.PartnerID, OrgID: in.OrgID, Name: strings.TrimSpace(in.Name),
		ClientID: clientID, SecretHash: hash, Scopes: scopes, CreatedByKind: c.Actor.Kind, CreatedByID: c.Actor.ID, CreatedAt: s.d.Clock.Now()}
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(c.TenantID), func(ctx context.Context) error {
		if _, err := s.d.Organizations.Find(ctx, c.PartnerID, in.OrgID); err != nil {
			return err
		}
		if err := s.d.Directory.Register(ctx, DirectoryClient, clientID, c.TenantID); err != nil {
			return err
		}
		if err := s.d.Store.Create(ctx, t); err != nil {
			return err
		}
		rec := audit.NewRecord(c.TenantID, c.Actor, "partner_token.create", "partner_token", t.ID, t.CreatedAt)
		rec.Details = map[string]any{"partner_id": c.PartnerID, "org_id": t.OrgID, "scopes": t.Scopes}
		return s.d.Audit.Append(ctx, rec)
	})
	if err != nil {
		return Issued{}, err
	}
	return Issued{Token: t, ClientSecret: secret}, nil
}

// List returns a page of the caller's partner's tokens (never a secret) and whether more exist.
func (s *Service) List(ctx context.Context, c Caller, after string, limit int) ([]Token, bool, error) {
	if after != "" && !ports.IsID(after) {
		return nil, false, ports.Invalid("cursor", "is not a cursor this API returned")
	}
	var out []Token
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(c.TenantID), func(ctx context.Context) (err error) {
		out, err = s.d.Store.List(ctx, c.PartnerID, after, limit+1)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	out, more := ports.TrimPage(out, limit)
	return out, more, nil
}

// ErrNotFound answers a token that does not exist or belongs to another partner.
var ErrNotFound = ports.NotFound("partner token")

// Revoke revokes one of the caller's partner's tokens and ends every session opened with it:
// its access tokens are refused at once on every server and its refresh tokens stop working.
// Revoking a revoked token changes nothing.
func (s *Service) Revoke(ctx context.Context, c Caller, id string) (Token, error) {
	if !ports.IsID(id) {
		return Token{}, ErrNotFound
	}
	var t Token
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(c.TenantID), func(ctx context.Context) (err error) {
		t, err = s.d.Store.Get(ctx, id)
		if errors.Is(err, ports.ErrNotFound) || (err == nil && t.PartnerID != c.PartnerID) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if c.Token && !subset(t.Scopes, c.Scopes) {
			return ErrScopeNotHeld
		}
		if t.Revoked() {
			return nil
		}
		now := s.d.Clock.Now()
		t.RevokedAt = &now
		if err := s.d.Store.Revoke(ctx, id, now); err != nil {
			return err
		}
		if err := s.d.Sessions.RevokeAll(ctx, session.KindEnterprise, t.ID, ""); err != nil {
			return err
		}
		return s.d.Audit.Append(ctx, audit.NewRecord(c.TenantID, c.Actor, "partner_token.revoke", "partner_token", t.ID, now))
	})
	return t, err
}
