package partner

import (
	"context"
	"errors"
	"strings"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/ports"
)

// TenantChecker tells whether a tenant exists (visible in the current unit of work).
type TenantChecker interface {
	Exists(ctx context.Context, tenantID string) (bool, error)
}

// Service holds the partner use cases.
type Service struct {
	uow      ports.UnitOfWork
	store    Store
	dir      ports.Directory
	tenants  TenantChecker
	hasher   ports.PasswordHasher
	clock    ports.Clock
	sessions Sessions
	audit    audit.Store
}

// NewService returns the partner use cases.
func NewService(uow ports.UnitOfWork, store Store, dir ports.Directory, tenants TenantChecker, hasher ports.PasswordHasher, clock ports.Clock,
	sessions Sessions, audit audit.Store) *Service {
	return &Service{uow: uow, store: store, dir: dir, tenants: tenants, hasher: hasher, clock: clock, sessions: sessions, audit: audit}
}

// Create adds a partner to a tenant.
func (s *Service) Create(ctx context.Context, tenantID, name string) (Partner, error) {
	if !ports.IsID(tenantID) {
		return Partner{}, ports.NotFound("tenant")
	}
	var v ports.Validation
	validateName(&v, "name", name)
	if err := v.Err(); err != nil {
		return Partner{}, err
	}
	p := Partner{ID: ports.NewID(), TenantID: tenantID, Name: strings.TrimSpace(name), Status: StatusActive, CreatedAt: s.clock.Now()}
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if err := s.requireTenant(ctx, tenantID); err != nil {
			return err
		}
		if err := s.dir.Register(ctx, ports.DirectoryPartner, p.ID, tenantID); err != nil {
			return err
		}
		return s.store.Create(ctx, p)
	})
	return p, err
}

// List returns a page of a tenant's partners and whether more exist.
func (s *Service) List(ctx context.Context, tenantID, after string, limit int) ([]Partner, bool, error) {
	if !ports.IsID(tenantID) {
		return nil, false, ports.NotFound("tenant")
	}
	if after != "" && !ports.IsID(after) {
		return nil, false, ports.Invalid("cursor", "is not a cursor this API returned")
	}
	var ps []Partner
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if err := s.requireTenant(ctx, tenantID); err != nil {
			return err
		}
		var err error
		ps, err = s.store.List(ctx, tenantID, after, limit+1)
		return err
	})
	return page(ps, limit, err)
}

func (s *Service) requireTenant(ctx context.Context, tenantID string) error {
	ok, err := s.tenants.Exists(ctx, tenantID)
	if err != nil {
		return err
	}
	if !ok {
		return ports.NotFound("tenant")
	}
	return nil
}

// NewStaff is a staff account to create.
type NewStaff struct {
	Email    string
	Password string
	Name     string
	Role     Role
	// By is who creates the account (an operator or the partner's owner), for the audit log.
	By audit.Actor
}

// ErrEmailTaken answers a staff email already in use anywhere on the platform.
var ErrEmailTaken = ports.Conflict("EMAIL_TAKEN", "A partner staff account with this email already exists.")

// CreateStaff adds a portal account to a partner. The password is kept only as an argon2id hash;
// the email must be unused by any partner staff of the platform.
func (s *Service) CreateStaff(ctx context.Context, partnerID string, in NewStaff) (Staff, error) {
	if !ports.IsID(partnerID) {
		return Staff{}, ports.NotFound("partner")
	}
	email := credential.NormalizeEmail(in.Email)
	var v ports.Validation
	credential.ValidateEmail(&v, "email", email)
	credential.ValidatePassword(&v, "password", in.Password)
	validateName(&v, "name", in.Name)
	v.Check(in.Role == RoleOwner || in.Role == RoleAdmin || in.Role == RoleViewer, "role", "must be owner, admin or viewer")
	if err := v.Err(); err != nil {
		return Staff{}, err
	}
	hash, err := s.hasher.Hash(in.Password)
	if err != nil {
		return Staff{}, err
	}
	st := Staff{ID: ports.NewID(), PartnerID: partnerID, Email: email, Name: strings.TrimSpace(in.Name),
		Role: in.Role, PasswordHash: hash, CreatedAt: s.clock.Now()}
	err = s.inPartnerTenant(ctx, partnerID, func(ctx context.Context, p Partner) error {
		st.TenantID = p.TenantID
		if err := s.dir.Register(ctx, DirectoryStaffEmail, email, p.TenantID); err != nil {
			if errors.Is(err, ports.ErrConflict) {
				return ErrEmailTaken
			}
			return err
		}
		if err := s.store.CreateStaff(ctx, st); err != nil {
			return err
		}
		return s.record(ctx, in.By, "partner_staff.create", st, map[string]any{"role": string(st.Role), "partner_id": partnerID})
	})
	return st, err
}

// ListStaff returns a page of a partner's staff and whether more exist.
func (s *Service) ListStaff(ctx context.Context, partnerID, after string, limit int) ([]Staff, bool, error) {
	if !ports.IsID(partnerID) {
		return nil, false, ports.NotFound("partner")
	}
	if after != "" && !ports.IsID(after) {
		return nil, false, ports.Invalid("cursor", "is not a cursor this API returned")
	}
	var out []Staff
	err := s.inPartnerTenant(ctx, partnerID, func(ctx context.Context, _ Partner) (err error) {
		out, err = s.store.ListStaff(ctx, partnerID, after, limit+1)
		return err
	})
	return page(out, limit, err)
}

// inPartnerTenant finds the partner's tenant in the platform directory, then runs fn narrowed to
// that tenant, all in one transaction.
func (s *Service) inPartnerTenant(ctx context.Context, partnerID string, fn func(ctx context.Context, p Partner) error) error {
	return s.uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		tenantID, err := s.dir.Lookup(ctx, ports.DirectoryPartner, partnerID)
		if errors.Is(err, ports.ErrNotFound) {
			return ports.NotFound("partner")
		}
		if err != nil {
			return err
		}
		return s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
			p, err := s.store.Get(ctx, partnerID)
			if err != nil {
				return err
			}
			return fn(ctx, p)
		})
	})
}

func page[T any](items []T, limit int, err error) ([]T, bool, error) {
	if err != nil {
		return nil, false, err
	}
	items, more := ports.TrimPage(items, limit)
	return items, more, nil
}
