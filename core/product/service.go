package product

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/ports"
)

// Service holds the product use cases.
type Service struct {
	uow        ports.UnitOfWork
	store      Store
	audit      audit.Store
	currencies ports.Currencies
	clock      ports.Clock
}

// NewService returns the product use cases.
func NewService(uow ports.UnitOfWork, store Store, audit audit.Store, currencies ports.Currencies, clock ports.Clock) *Service {
	return &Service{uow: uow, store: store, audit: audit, currencies: currencies, clock: clock}
}

// Staff is the partner staff member acting.
type Staff struct {
	TenantID  string
	PartnerID string
	Actor     audit.Actor
}

// Create adds a product of the staff member's partner. Unset fields take the defaults: USD, no
// price, not featured, draft, sort order 0.
func (s *Service) Create(ctx context.Context, by Staff, c Change) (Product, error) {
	now := s.clock.Now()
	p := Product{ID: ports.NewID(), TenantID: by.TenantID, PartnerID: by.PartnerID, Currency: DefaultCurrency, Status: StatusDraft,
		CreatedAt: now, UpdatedAt: now}
	c.apply(&p)
	var v ports.Validation
	p.validate(&v, s.currencies)
	if err := v.Err(); err != nil {
		return Product{}, err
	}
	err := s.uow.Do(ctx, ports.TenantScope(by.TenantID), func(ctx context.Context) error {
		if err := s.store.Create(ctx, p); err != nil {
			return err
		}
		return s.audit.Append(ctx, audit.NewRecord(by.TenantID, by.Actor, "product.created", "product", p.ID, now))
	})
	return p, err
}

// Get returns one of the partner's products.
func (s *Service) Get(ctx context.Context, by Staff, id string) (Product, error) {
	var p Product
	err := s.read(ctx, by.TenantID, func(ctx context.Context) (err error) {
		p, err = s.own(ctx, by, id, false)
		return err
	})
	return p, err
}

// own loads a product of the staff member's partner; another partner's is not found.
func (s *Service) own(ctx context.Context, by Staff, id string, forUpdate bool) (Product, error) {
	if !ports.IsID(id) {
		return Product{}, ports.NotFound("product")
	}
	p, err := s.store.Get(ctx, id, forUpdate)
	if err == nil && p.PartnerID != by.PartnerID {
		return Product{}, ports.NotFound("product")
	}
	return p, err
}

// Update changes the fields given and answers the product as stored.
func (s *Service) Update(ctx context.Context, by Staff, id string, c Change) (Product, error) {
	var p Product
	err := s.uow.Do(ctx, ports.TenantScope(by.TenantID), func(ctx context.Context) (err error) {
		if p, err = s.own(ctx, by, id, true); err != nil {
			return err
		}
		c.apply(&p)
		var v ports.Validation
		p.validate(&v, s.currencies)
		if err := v.Err(); err != nil {
			return err
		}
		p.UpdatedAt = s.clock.Now()
		if err := s.store.Save(ctx, p); err != nil {
			return err
		}
		return s.audit.Append(ctx, audit.NewRecord(by.TenantID, by.Actor, "product.updated", "product", p.ID, p.UpdatedAt))
	})
	return p, err
}

// Delete removes one of the partner's products for good.
func (s *Service) Delete(ctx context.Context, by Staff, id string) error {
	return s.uow.Do(ctx, ports.TenantScope(by.TenantID), func(ctx context.Context) error {
		if _, err := s.own(ctx, by, id, true); err != nil {
			return err
		}
		if err := s.store.Delete(ctx, id); err != nil {
			return err
		}
		return s.audit.Append(ctx, audit.NewRecord(by.TenantID, by.Actor, "product.deleted", "product", id, s.clock.Now()))
	})
}

// Page is a page of products and how many match.
type Page struct {
	Products []Product
	Total    int
}

// List returns the products after the first offset ones that match. The portal lists its own
// partner's products (f.PartnerID); the app lists active products only.
func (s *Service) List(ctx context.Context, tenantID string, f Filter, offset, limit int) (Page, error) {
	var v ports.Validation
	if f.Sort == "" {
		f.Sort = SortNewest
	}
	v.Check(ValidSort(f.Sort), "sort", "must be newest, oldest, price_asc, price_desc or sort_order")
	v.Check(f.Status == "" || ValidStatus(f.Status), "status", "must be draft, active or archived")
	v.Check(utf8.RuneCountInString(f.Search) <= 100, "search", "must be at most 100 characters")
	v.Check(utf8.RuneCountInString(f.ProductType) <= MaxTypeLength, "productType", "must be at most 60 characters")
	v.Check(limit >= 1 && limit <= MaxPageSize, "limit", "must be 1 to 50")
	if err := v.Err(); err != nil {
		return Page{}, err
	}
	f.Search, f.ProductType = strings.TrimSpace(f.Search), strings.TrimSpace(f.ProductType)
	var p Page
	err := s.read(ctx, tenantID, func(ctx context.Context) (err error) {
		p.Products, p.Total, err = s.store.List(ctx, f, offset, limit)
		return err
	})
	return p, err
}

// Active returns an active product of the client, as the app shows it.
func (s *Service) Active(ctx context.Context, tenantID, id string) (Product, error) {
	if !ports.IsID(id) {
		return Product{}, ports.NotFound("product")
	}
	var p Product
	err := s.read(ctx, tenantID, func(ctx context.Context) (err error) {
		p, err = s.store.Get(ctx, id, false)
		return err
	})
	if err == nil && p.Status != StatusActive {
		return Product{}, ports.NotFound("product")
	}
	return p, err
}

// Types lists the product types of the client's active products with their counts.
func (s *Service) Types(ctx context.Context, tenantID string) ([]Type, error) {
	var ts []Type
	err := s.read(ctx, tenantID, func(ctx context.Context) (err error) {
		ts, err = s.store.Types(ctx)
		return err
	})
	return ts, err
}

func (s *Service) read(ctx context.Context, tenantID string, fn func(context.Context) error) error {
	return s.uow.Read(ctx, ports.TenantScope(tenantID), fn)
}
