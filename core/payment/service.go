package payment

import (
	"context"
	"errors"
	"time"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/ports"
)

// Deps are what the payment method use cases need.
type Deps struct {
	UnitOfWork    ports.UnitOfWork
	Store         Store
	Gateways      Gateways
	Subscriptions Subscriptions
	Audit         audit.Store
	Clock         ports.Clock
}

// Service holds the payment method use cases. Every change of stored methods runs in one unit
// of work with its audit record.
type Service struct{ d Deps }

// NewService returns the payment method use cases.
func NewService(d Deps) *Service { return &Service{d: d} }

// now is the clock's time as the store keeps it (microseconds).
func (s *Service) now() time.Time { return s.d.Clock.Now().Truncate(time.Microsecond) }

// Now is the time the service judges expiry by.
func (s *Service) Now() time.Time { return s.d.Clock.Now() }

// List returns the account's payment methods in the order they were added.
func (s *Service) List(ctx context.Context, tenantID, userID string) ([]Method, error) {
	var ms []Method
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		ms, err = s.d.Store.List(ctx, userID)
		return err
	})
	return ms, err
}

// Get returns one of the account's payment methods.
func (s *Service) Get(ctx context.Context, tenantID, userID, id string) (Method, error) {
	if !ports.IsID(id) {
		return Method{}, ports.NotFound("payment method")
	}
	var m Method
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		m, err = s.d.Store.Get(ctx, userID, id)
		return err
	})
	return m, err
}

// Add attaches a tokenised method to the account through the client's gateway (creating the
// account's customer there the first time) and stores what may be shown of it. The account's
// first method becomes its default, as does one added with SetAsDefault. A card the gateway
// refuses is ErrInvalid with the code saying why and the field payment_method_token. The
// gateway is called before the unit of work, which holds no transaction open across it; should
// storing fail, the method is detached again.
func (s *Service) Add(ctx context.Context, tenantID string, by audit.Actor, userID string, in NewMethod) (Method, error) {
	if err := in.check(); err != nil {
		return Method{}, err
	}
	gw, err := s.d.Gateways.For(ctx, tenantID)
	if err != nil {
		return Method{}, err
	}
	scope := ports.TenantScope(tenantID)
	var customer string
	err = s.d.UnitOfWork.Read(ctx, scope, func(ctx context.Context) error {
		ms, err := s.d.Store.List(ctx, userID)
		if err != nil {
			return err
		}
		if len(ms) >= MaxMethods {
			return ErrTooMany
		}
		customer, err = s.d.Store.Customer(ctx, userID, gw.Name())
		if errors.Is(err, ports.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return Method{}, err
	}
	if customer == "" {
		if customer, err = gw.EnsureCustomer(ctx, tenantID, userID); err != nil {
			return Method{}, err
		}
	}
	card, err := gw.AttachMethod(ctx, tenantID, customer, in.Token)
	if d := ports.AsDecline(err); d != nil {
		return Method{}, declined(d)
	}
	if errors.Is(err, ports.ErrInvalid) {
		return Method{}, badToken(err)
	}
	if err != nil {
		return Method{}, err
	}
	now := s.now()
	m := Method{ID: ports.NewID(), TenantID: tenantID, UserID: userID, Gateway: gw.Name(), CustomerID: customer, GatewayID: card.ID,
		Type: card.Type, Brand: card.Brand, Last4: card.Last4, ExpMonth: card.ExpMonth, ExpYear: card.ExpYear,
		BillingName: in.BillingName, BillingCountry: card.BillingCountry, CreatedAt: now, UpdatedAt: now}
	if m.Type == "" {
		m.Type = TypeCard
	}
	err = s.d.UnitOfWork.Do(ctx, scope, func(ctx context.Context) error {
		if err := s.d.Store.LockAccount(ctx, userID); err != nil {
			return err
		}
		if err := s.d.Store.PutCustomer(ctx, userID, gw.Name(), customer, now); err != nil {
			return err
		}
		ms, err := s.d.Store.List(ctx, userID)
		if err != nil {
			return err
		}
		if len(ms) >= MaxMethods {
			return ErrTooMany
		}
		m.IsDefault = len(ms) == 0
		if err := s.d.Store.Create(ctx, m); err != nil {
			return err
		}
		if in.SetAsDefault && !m.IsDefault {
			if err := s.d.Store.SetDefault(ctx, userID, m.ID, now); err != nil {
				return err
			}
			m.IsDefault = true
		}
		r := audit.NewRecord(tenantID, by, "payment_method.added", "payment_method", m.ID, now)
		r.Details = map[string]any{"user_id": userID, "gateway": m.Gateway, "brand": m.Brand, "last4": m.Last4, "is_default": m.IsDefault}
		return s.d.Audit.Append(ctx, r)
	})
	if err != nil {
		// Best effort: a method attached but not stored is never charged; detaching it keeps the
		// gateway's customer as stvos knows it.
		_ = gw.DetachMethod(context.WithoutCancel(ctx), tenantID, customer, card.ID)
		return Method{}, err
	}
	return m, nil
}

// SetDefault makes one of the account's methods its default (renewals charge it).
func (s *Service) SetDefault(ctx context.Context, tenantID string, by audit.Actor, userID, id string) (Method, error) {
	if !ports.IsID(id) {
		return Method{}, ports.NotFound("payment method")
	}
	var m Method
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		if err := s.d.Store.LockAccount(ctx, userID); err != nil {
			return err
		}
		if m, err = s.d.Store.Get(ctx, userID, id); err != nil || m.IsDefault {
			return err
		}
		now := s.now()
		if err := s.d.Store.SetDefault(ctx, userID, id, now); err != nil {
			return err
		}
		m.IsDefault, m.UpdatedAt = true, now
		r := audit.NewRecord(tenantID, by, "payment_method.default_set", "payment_method", m.ID, now)
		r.Details = map[string]any{"user_id": userID}
		return s.d.Audit.Append(ctx, r)
	})
	if err != nil {
		return Method{}, err
	}
	return m, nil
}

// Remove deletes one of the account's methods and detaches it at its gateway, in one unit of
// work: should the gateway fail, the method stays. The default cannot be removed while the
// account has an active subscription (ErrDefaultInUse); otherwise removing the default makes
// the most recently added remaining method the default.
func (s *Service) Remove(ctx context.Context, tenantID string, by audit.Actor, userID, id string) error {
	if !ports.IsID(id) {
		return ports.NotFound("payment method")
	}
	return s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if err := s.d.Store.LockAccount(ctx, userID); err != nil {
			return err
		}
		m, err := s.d.Store.Get(ctx, userID, id)
		if err != nil {
			return err
		}
		if m.IsDefault {
			active, err := s.d.Subscriptions.HasActive(ctx, tenantID, userID)
			if err != nil {
				return err
			}
			if active {
				return ErrDefaultInUse
			}
		}
		if err := s.d.Store.Delete(ctx, userID, id); err != nil {
			return err
		}
		now := s.now()
		details := map[string]any{"user_id": userID, "gateway": m.Gateway, "brand": m.Brand, "last4": m.Last4, "was_default": m.IsDefault}
		if m.IsDefault {
			rest, err := s.d.Store.List(ctx, userID)
			if err != nil {
				return err
			}
			if len(rest) > 0 {
				next := rest[len(rest)-1]
				if err := s.d.Store.SetDefault(ctx, userID, next.ID, now); err != nil {
					return err
				}
				details["new_default"] = next.ID
			}
		}
		r := audit.NewRecord(tenantID, by, "payment_method.removed", "payment_method", m.ID, now)
		r.Details = details
		if err := s.d.Audit.Append(ctx, r); err != nil {
			return err
		}
		gw, err := s.d.Gateways.Named(m.Gateway)
		if err != nil {
			return err
		}
		return gw.DetachMethod(ctx, tenantID, m.CustomerID, m.GatewayID)
	})
}
