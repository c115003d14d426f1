package organization

import (
	"context"
	"errors"
	"strings"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/ports"
)

// Deps are what the organization use cases need.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	Accounts   Accounts
	Audit      audit.Store
	Clock      ports.Clock
}

// Service holds the organization use cases.
type Service struct{ d Deps }

// NewService returns the organization use cases.
func NewService(d Deps) *Service { return &Service{d: d} }

// ErrNotFound answers an organization that does not exist or belongs to another partner.
var ErrNotFound = ports.NotFound("organization")

// Create adds an organization to the partner with its first person as owner: the client's user
// with that email, created (without a password) when there is none. All in one transaction.
func (s *Service) Create(ctx context.Context, tenantID, partnerID string, in New, by audit.Actor) (Organization, Member, error) {
	var v ports.Validation
	in.validate(&v)
	if err := v.Err(); err != nil {
		return Organization{}, Member{}, err
	}
	now := s.d.Clock.Now()
	o := Organization{ID: ports.NewID(), TenantID: tenantID, PartnerID: partnerID, Name: strings.TrimSpace(in.Name),
		ProviderID: strings.TrimSpace(in.ProviderID), CreatedAt: now}
	m := Member{TenantID: tenantID, OrgID: o.ID, Role: RoleOwner, CreatedAt: now}
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		u, _, err := s.d.Accounts.Provision(ctx, tenantID, in.User.Email, in.User.FullName())
		if err != nil {
			return userField(err)
		}
		m.UserID = u.ID
		if err := s.d.Store.Create(ctx, o); err != nil {
			return err
		}
		if err := s.d.Store.SetMember(ctx, m); err != nil {
			return err
		}
		rec := audit.NewRecord(tenantID, by, "organization.create", "organization", o.ID, now)
		rec.Details = map[string]any{"partner_id": partnerID, "user_id": u.ID}
		return s.d.Audit.Append(ctx, rec)
	})
	if err != nil {
		return Organization{}, Member{}, err
	}
	return o, m, nil
}

// userField names the user's fields in the validation errors of the user's provisioning.
func userField(err error) error {
	e := ports.AsError(err)
	if e == nil || !errors.Is(err, ports.ErrInvalid) {
		return err
	}
	c := *e
	c.Fields = nil
	for _, f := range e.Fields {
		c.Fields = append(c.Fields, ports.FieldError{Field: "user." + f.Field, Reason: f.Reason})
	}
	return &c
}

// Find returns the partner's organization in the caller's tenant unit of work: an organization
// of another partner, or an id that is not one, is ErrNotFound. Other contexts (partner tokens,
// onboarding) call it to check an org_id they are given.
func (s *Service) Find(ctx context.Context, partnerID, orgID string) (Organization, error) {
	if !ports.IsID(orgID) {
		return Organization{}, ErrNotFound
	}
	o, err := s.d.Store.Get(ctx, orgID)
	if errors.Is(err, ports.ErrNotFound) || (err == nil && o.PartnerID != partnerID) {
		return Organization{}, ErrNotFound
	}
	return o, err
}

// Get returns the partner's organization in its own unit of work (see Find).
func (s *Service) Get(ctx context.Context, tenantID, partnerID, orgID string) (Organization, error) {
	var o Organization
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		o, err = s.Find(ctx, partnerID, orgID)
		return err
	})
	return o, err
}

// Join links a user to the partner's organization known by providerID with the role, in the
// caller's tenant unit of work; it reports false, changing nothing, when the partner has no such
// organization (single sign-on names organizations the partner may not have created here).
func (s *Service) Join(ctx context.Context, partnerID, providerID, userID string, role Role) (bool, error) {
	if strings.TrimSpace(providerID) == "" {
		return false, nil
	}
	o, err := s.d.Store.ByProviderID(ctx, partnerID, strings.TrimSpace(providerID))
	if errors.Is(err, ports.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !ValidRole(role) {
		role = RoleTeamMember
	}
	err = s.d.Store.SetMember(ctx, Member{TenantID: o.TenantID, OrgID: o.ID, UserID: userID, Role: role, CreatedAt: s.d.Clock.Now()})
	return err == nil, err
}
