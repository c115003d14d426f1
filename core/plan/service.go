package plan

import (
	"context"
	"time"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/ports"
)

// Service holds the plan use cases. Every change runs in one unit of work with its audit record.
type Service struct {
	uow        ports.UnitOfWork
	store      Store
	audit      audit.Store
	currencies ports.Currencies
	clock      ports.Clock
}

// NewService returns the plan use cases.
func NewService(uow ports.UnitOfWork, store Store, audit audit.Store, currencies ports.Currencies, clock ports.Clock) *Service {
	return &Service{uow: uow, store: store, audit: audit, currencies: currencies, clock: clock}
}

// stale answers a change whose If-Match names a version that is no longer current.
func stale() error {
	return &ports.Error{Kind: ports.ErrPrecondition, Code: "PRECONDITION_FAILED", Message: "The plan changed since it was read; read it again."}
}

// now is the clock's time as the store keeps it (microseconds), so that what a change answers
// is what a later read answers.
func (s *Service) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }

// Create adds a plan to the tenant.
func (s *Service) Create(ctx context.Context, tenantID string, by audit.Actor, in Input) (Plan, error) {
	p, err := in.plan(s.currencies)
	if err != nil {
		return Plan{}, err
	}
	now := s.now()
	p.ID, p.TenantID, p.CreatedAt, p.UpdatedAt, p.Version = ports.NewID(), tenantID, now, now, 1
	err = s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if err := s.store.Create(ctx, p); err != nil {
			return err
		}
		r := audit.NewRecord(tenantID, by, "plan.created", "plan", p.ID, now)
		r.Details = map[string]any{"price": p.Price.Decimal(), "currency": p.Price.Currency, "is_active": p.IsActive}
		return s.audit.Append(ctx, r)
	})
	if err != nil {
		return Plan{}, err
	}
	return p, nil
}

// Get returns a plan of the tenant, active or not.
func (s *Service) Get(ctx context.Context, tenantID, id string) (Plan, error) {
	if !ports.IsID(id) {
		return Plan{}, ports.NotFound("plan")
	}
	var p Plan
	err := s.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		p, err = s.store.Get(ctx, id, false)
		return err
	})
	return p, err
}

// List returns a page of the tenant's plans, active or not, in creation order after the plan
// id after (the cursor; empty for the first page), and whether more follow.
func (s *Service) List(ctx context.Context, tenantID, after string, limit int) ([]Plan, bool, error) {
	return s.list(ctx, tenantID, false, after, limit)
}

// ListActive is List for subscribers choosing a plan: active plans only.
func (s *Service) ListActive(ctx context.Context, tenantID, after string, limit int) ([]Plan, bool, error) {
	return s.list(ctx, tenantID, true, after, limit)
}

func (s *Service) list(ctx context.Context, tenantID string, activeOnly bool, after string, limit int) ([]Plan, bool, error) {
	if after != "" && !ports.IsID(after) {
		return nil, false, ports.Invalid("cursor", "is not a cursor this API returned")
	}
	if limit < 1 || limit > MaxPageSize {
		limit = DefaultPageSize
	}
	var ps []Plan
	err := s.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		ps, err = s.store.List(ctx, activeOnly, after, limit+1)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	ps, more := ports.TrimPage(ps, limit)
	return ps, more, nil
}

// Update replaces a plan's fields; ifVersion, when not 0, must be its current version. Changes
// of price, billing cycle or limits apply to new subscriptions; existing subscribers keep their
// terms until their next renewal. A replace that changes nothing writes nothing.
func (s *Service) Update(ctx context.Context, tenantID string, by audit.Actor, id string, in Input, ifVersion int) (Plan, error) {
	if !ports.IsID(id) {
		return Plan{}, ports.NotFound("plan")
	}
	w, err := in.plan(s.currencies)
	if err != nil {
		return Plan{}, err
	}
	var p Plan
	err = s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		old, err := s.current(ctx, id, ifVersion)
		if err != nil {
			return err
		}
		p = old.with(w)
		fields := changed(old, p)
		if len(fields) == 0 {
			return nil
		}
		return s.save(ctx, by, &p, "plan.updated", map[string]any{"changed": fields})
	})
	if err != nil {
		return Plan{}, err
	}
	return p, nil
}

// Deactivate marks a plan inactive: new subscriptions to it are blocked, existing ones continue.
// ifVersion, when not 0, must be its current version. A plan already inactive stays as it is.
func (s *Service) Deactivate(ctx context.Context, tenantID string, by audit.Actor, id string, ifVersion int) (Plan, error) {
	if !ports.IsID(id) {
		return Plan{}, ports.NotFound("plan")
	}
	var p Plan
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		if p, err = s.current(ctx, id, ifVersion); err != nil || !p.IsActive {
			return err
		}
		p.IsActive = false
		return s.save(ctx, by, &p, "plan.deactivated", nil)
	})
	if err != nil {
		return Plan{}, err
	}
	return p, nil
}

// current loads a plan for update and checks the caller's If-Match version.
func (s *Service) current(ctx context.Context, id string, ifVersion int) (Plan, error) {
	p, err := s.store.Get(ctx, id, true)
	if err != nil {
		return Plan{}, err
	}
	if ifVersion != 0 && ifVersion != p.Version {
		return Plan{}, stale()
	}
	return p, nil
}

// save stores a changed plan as its next version, with the audit record of the change.
func (s *Service) save(ctx context.Context, by audit.Actor, p *Plan, action string, details map[string]any) error {
	p.UpdatedAt, p.Version = s.now(), p.Version+1
	if err := s.store.Save(ctx, *p); err != nil {
		return err
	}
	r := audit.NewRecord(p.TenantID, by, action, "plan", p.ID, p.UpdatedAt)
	if details != nil {
		r.Details = details
	}
	return s.audit.Append(ctx, r)
}
