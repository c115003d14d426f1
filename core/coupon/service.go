package coupon

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/plan"
	"github.com/stvos/stvos/ports"
)

// Service holds the coupon use cases. Every change runs in one unit of work with its audit record.
type Service struct {
	uow        ports.UnitOfWork
	store      Store
	plans      Plans
	audit      audit.Store
	currencies ports.Currencies
	clock      ports.Clock
}

// NewService returns the coupon use cases.
func NewService(uow ports.UnitOfWork, store Store, plans Plans, audit audit.Store, currencies ports.Currencies,
	clock ports.Clock) *Service {
	return &Service{uow: uow, store: store, plans: plans, audit: audit, currencies: currencies, clock: clock}
}

func stale() error {
	return &ports.Error{Kind: ports.ErrPrecondition, Code: "PRECONDITION_FAILED", Message: "The coupon changed since it was read; read it again."}
}

// now is the clock's time as the store keeps it (microseconds).
func (s *Service) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }

// Now is the time coupon statuses are computed at.
func (s *Service) Now() time.Time { return s.now() }

// Create adds a coupon to the tenant. Its applicable plans must be plans of the tenant.
func (s *Service) Create(ctx context.Context, tenantID string, by audit.Actor, in Input) (Coupon, error) {
	c, err := in.coupon(s.currencies)
	if err != nil {
		return Coupon{}, err
	}
	now := s.now()
	c.ID, c.TenantID, c.CreatedAt, c.UpdatedAt, c.Version = ports.NewID(), tenantID, now, now, 1
	err = s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		for _, id := range c.PlanIDs {
			if _, err := s.plans.Get(ctx, id, false); errors.Is(err, ports.ErrNotFound) {
				return ports.Invalid("applicable_plan_ids", "names "+id+", which is not a plan of this client")
			} else if err != nil {
				return err
			}
		}
		if err := s.store.Create(ctx, c); err != nil {
			return err
		}
		r := audit.NewRecord(tenantID, by, "coupon.created", "coupon", c.ID, now)
		r.Details = map[string]any{"code": c.Code, "discount_type": c.Type, "discount_value": c.DiscountValue(),
			"currency": c.Value.Currency, "status": c.Status(now)}
		return s.audit.Append(ctx, r)
	})
	if err != nil {
		return Coupon{}, err
	}
	return c, nil
}

// Get returns a coupon of the tenant.
func (s *Service) Get(ctx context.Context, tenantID, id string) (Coupon, error) {
	if !ports.IsID(id) {
		return Coupon{}, ports.NotFound("coupon")
	}
	var c Coupon
	err := s.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		c, err = s.store.Get(ctx, id, false)
		return err
	})
	return c, err
}

// List returns a page of the tenant's coupons in creation order after the coupon id after (the
// cursor; empty for the first page), only those of the status when it is not empty, and whether
// more follow.
func (s *Service) List(ctx context.Context, tenantID, status, after string, limit int) ([]Coupon, bool, error) {
	if after != "" && !ports.IsID(after) {
		return nil, false, ports.Invalid("cursor", "is not a cursor this API returned")
	}
	if status != "" && status != StatusActive && status != StatusExpired && status != StatusDisabled {
		return nil, false, ports.Invalid("status", "must be active, expired or disabled")
	}
	if limit < 1 || limit > MaxPageSize {
		limit = DefaultPageSize
	}
	var cs []Coupon
	err := s.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		cs, err = s.store.List(ctx, status, s.now(), after, limit+1)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	cs, more := ports.TrimPage(cs, limit)
	return cs, more, nil
}

// Update changes what an admin may change of a coupon; ifVersion, when not 0, must be its
// current version. A patch that changes nothing writes nothing.
func (s *Service) Update(ctx context.Context, tenantID string, by audit.Actor, id string, p Patch, ifVersion int) (Coupon, error) {
	if !ports.IsID(id) {
		return Coupon{}, ports.NotFound("coupon")
	}
	var c Coupon
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		old, err := s.current(ctx, id, ifVersion)
		if err != nil {
			return err
		}
		if c, err = p.apply(old); err != nil {
			return err
		}
		fields := changed(old, c)
		if len(fields) == 0 {
			return nil
		}
		c.UpdatedAt, c.Version = s.now(), c.Version+1
		if err := s.store.Save(ctx, c); err != nil {
			return err
		}
		r := audit.NewRecord(tenantID, by, "coupon.updated", "coupon", c.ID, c.UpdatedAt)
		r.Details = map[string]any{"changed": fields}
		return s.audit.Append(ctx, r)
	})
	if err != nil {
		return Coupon{}, err
	}
	return c, nil
}

// Delete removes a coupon that was never redeemed; ifVersion, when not 0, must be its current
// version. A redeemed coupon stays (ErrConflict, COUPON_REDEEMED): disable it instead.
func (s *Service) Delete(ctx context.Context, tenantID string, by audit.Actor, id string, ifVersion int) error {
	if !ports.IsID(id) {
		return ports.NotFound("coupon")
	}
	return s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		c, err := s.current(ctx, id, ifVersion)
		if err != nil {
			return err
		}
		if err := s.store.Delete(ctx, id); err != nil {
			return err
		}
		r := audit.NewRecord(tenantID, by, "coupon.deleted", "coupon", c.ID, s.now())
		r.Details = map[string]any{"code": c.Code}
		return s.audit.Append(ctx, r)
	})
}

func (s *Service) current(ctx context.Context, id string, ifVersion int) (Coupon, error) {
	c, err := s.store.Get(ctx, id, true)
	if err != nil {
		return Coupon{}, err
	}
	if ifVersion != 0 && ifVersion != c.Version {
		return Coupon{}, stale()
	}
	return c, nil
}

// Check is the answer to a subscriber's validation of a code against a plan.
type Check struct {
	// Reason is empty when the coupon applies, else one of the Reason constants.
	Reason string
	// Coupon is the coupon found (zero when the reason is not_found).
	Coupon Coupon
	// Plan is the plan checked against.
	Plan plan.Plan
	// Discount is what the coupon takes off one billing cycle of the plan, when it applies.
	Discount Discount
}

// Validate checks, for the user, whether the code (any case) applies to the plan now, and with
// what discount. The plan must be an active plan of the tenant (ErrNotFound otherwise, as
// subscribers see no others). Nothing is written.
func (s *Service) Validate(ctx context.Context, tenantID, userID, code, planID string) (Check, error) {
	if !ports.IsID(planID) {
		return Check{}, ports.NotFound("plan")
	}
	var ch Check
	err := s.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		p, err := s.plans.Get(ctx, planID, false)
		if err != nil {
			return err
		}
		if !p.IsActive {
			return ports.NotFound("plan")
		}
		ch.Plan = p
		code = strings.ToUpper(strings.TrimSpace(code))
		if code == "" {
			ch.Reason = ReasonNotFound
			return nil
		}
		c, err := s.store.GetByCode(ctx, code)
		if errors.Is(err, ports.ErrNotFound) {
			ch.Reason = ReasonNotFound
			return nil
		} else if err != nil {
			return err
		}
		n, err := s.store.UserRedemptions(ctx, c.ID, userID)
		if err != nil {
			return err
		}
		ch.Coupon = c
		ch.Discount, ch.Reason = Apply(c, p, n, s.now())
		return nil
	})
	return ch, err
}

// Redeem records the user's redemption of the coupon with the code (any case) for a subscription
// to the plan and answers the coupon and the discount, inside the caller's unit of work when there
// is one (the subscription use case that charges the discounted price, and keeps the coupon's id).
// An unknown code is ErrNotFound (COUPON_NOT_FOUND); a coupon that does not apply is ErrConflict
// with code COUPON_ and the upper-cased reason (COUPON_EXHAUSTED, COUPON_EXPIRED, ...).
func (s *Service) Redeem(ctx context.Context, tenantID, userID, code string, p plan.Plan) (Coupon, Discount, error) {
	var (
		c Coupon
		d Discount
	)
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		found, err := s.store.GetByCode(ctx, strings.ToUpper(strings.TrimSpace(code)))
		if err != nil {
			return err
		}
		// Lock the coupon, so that its counts are current while the rule is applied.
		if c, err = s.store.Get(ctx, found.ID, true); err != nil {
			return err
		}
		n, err := s.store.UserRedemptions(ctx, c.ID, userID)
		if err != nil {
			return err
		}
		now := s.now()
		var reason string
		if d, reason = Apply(c, p, n, now); reason != "" {
			return Refused(reason)
		}
		if err := s.store.Redeem(ctx, Redemption{ID: ports.NewID(), CouponID: c.ID, UserID: userID, At: now}); err != nil {
			return err
		}
		c.RedemptionCount++
		return nil
	})
	if err != nil {
		return Coupon{}, Discount{}, err
	}
	return c, d, nil
}

// Refused is the error of a coupon that does not apply, for the reason.
func Refused(reason string) error {
	return ports.Conflict("COUPON_"+strings.ToUpper(reason), "The coupon cannot be used: "+strings.ReplaceAll(reason, "_", " ")+".")
}
