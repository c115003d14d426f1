package catalog

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/stvos/stvos/ports"
)

// Service holds the catalog use cases.
type Service struct {
	uow   ports.UnitOfWork
	store Store
	clock ports.Clock
}

// NewService returns the catalog use cases.
func NewService(uow ports.UnitOfWork, store Store, clock ports.Clock) *Service {
	return &Service{uow: uow, store: store, clock: clock}
}

// CreateCategory adds a category to the tenant's catalog; names are unique per client.
func (s *Service) CreateCategory(ctx context.Context, tenantID, name, description string) (Category, error) {
	name = strings.TrimSpace(name)
	var v ports.Validation
	n := utf8.RuneCountInString(name)
	v.Check(n >= 1 && n <= MaxNameLength, "name", "must be 1 to 100 characters")
	v.Check(utf8.RuneCountInString(description) <= 500, "description", "must be at most 500 characters")
	if err := v.Err(); err != nil {
		return Category{}, err
	}
	c := Category{ID: ports.NewID(), TenantID: tenantID, Name: name, Description: description, CreatedAt: s.clock.Now()}
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error { return s.store.CreateCategory(ctx, c) })
	return c, err
}

// Categories lists the tenant's categories with class counts; the app counts published classes,
// and for a viewer (a profile, when not nil) those the profile may be shown.
func (s *Service) Categories(ctx context.Context, tenantID string, publishedOnly bool, viewer *Viewer) ([]Category, error) {
	var cs []Category
	err := s.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		only, err := s.restriction(ctx, viewer)
		if err != nil {
			return err
		}
		cs, err = s.store.Categories(ctx, publishedOnly, only)
		return err
	})
	return cs, err
}

// CreateClass adds a class.
func (s *Service) CreateClass(ctx context.Context, tenantID string, in ClassInput) (Class, error) {
	var v ports.Validation
	in.validate(&v)
	if err := v.Err(); err != nil {
		return Class{}, err
	}
	now := s.clock.Now()
	c := Class{ID: ports.NewID(), TenantID: tenantID, CreatedAt: now, UpdatedAt: now, Version: 1}
	c.set(in)
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if err := s.store.CreateClass(ctx, c); err != nil {
			return categoryMissing(err)
		}
		got, err := s.store.Class(ctx, c.ID, false)
		c = got
		return err
	})
	return c, err
}

func (c *Class) set(in ClassInput) {
	c.CategoryID, c.Title, c.Description, c.Instructor = in.CategoryID, in.Title, in.Description, in.Instructor
	c.DurationSeconds, c.ThumbnailURL, c.Level, c.Published = in.DurationSeconds, in.ThumbnailURL, in.Level, in.Published
	c.ContentRating = in.ContentRating
}

// categoryMissing turns a missing referenced category into a field error.
func categoryMissing(err error) error {
	if e := ports.AsError(err); e != nil && e.Code == "REFERENCE_NOT_FOUND" {
		return ports.Invalid("category_id", "is not a category of this client")
	}
	return err
}

// Class returns a class; the app (publishedOnly) sees published classes only.
func (s *Service) Class(ctx context.Context, tenantID, id string, publishedOnly bool) (Class, error) {
	return s.ClassFor(ctx, tenantID, id, publishedOnly, nil)
}

// ClassFor is Class as a viewer (a profile, when not nil) sees it: a class rated beyond the
// profile's limit, or not among the titles a kids profile is limited to, is not found.
func (s *Service) ClassFor(ctx context.Context, tenantID, id string, publishedOnly bool, viewer *Viewer) (Class, error) {
	if !ports.IsID(id) {
		return Class{}, ports.NotFound("class")
	}
	var c Class
	var only Restriction
	err := s.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		if only, err = s.restriction(ctx, viewer); err != nil {
			return err
		}
		c, err = s.store.Class(ctx, id, false)
		return err
	})
	if err == nil && ((publishedOnly && !c.Published) || !only.Allows(c)) {
		return Class{}, ports.NotFound("class")
	}
	return c, err
}

// restriction is what the viewer's profile may be shown; everything without a viewer.
func (s *Service) restriction(ctx context.Context, viewer *Viewer) (Restriction, error) {
	if viewer == nil {
		return Restriction{}, nil
	}
	limit, ids, err := s.store.ViewerLimits(ctx, *viewer)
	if err != nil {
		return Restriction{}, err
	}
	return Restriction{Ratings: RatingsWithin(limit), ClassIDs: ids}, nil
}

// UpdateClass replaces a class's fields; ifVersion (when not 0) must be its current version.
func (s *Service) UpdateClass(ctx context.Context, tenantID, id string, in ClassInput, ifVersion int) (Class, error) {
	if !ports.IsID(id) {
		return Class{}, ports.NotFound("class")
	}
	var v ports.Validation
	in.validate(&v)
	if err := v.Err(); err != nil {
		return Class{}, err
	}
	var c Class
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		if c, err = s.store.Class(ctx, id, true); err != nil {
			return err
		}
		if ifVersion != 0 && ifVersion != c.Version {
			return &ports.Error{Kind: ports.ErrPrecondition, Code: "PRECONDITION_FAILED", Message: "The class changed since it was read; read it again."}
		}
		c.set(in)
		c.UpdatedAt, c.Version = s.clock.Now(), c.Version+1
		if err := s.store.SaveClass(ctx, c); err != nil {
			return categoryMissing(err)
		}
		c, err = s.store.Class(ctx, id, false)
		return err
	})
	return c, err
}

// DeleteClass removes a class from the catalog (its viewing history stays).
func (s *Service) DeleteClass(ctx context.Context, tenantID, id string, ifVersion int) error {
	if !ports.IsID(id) {
		return ports.NotFound("class")
	}
	return s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		c, err := s.store.Class(ctx, id, true)
		if err != nil {
			return err
		}
		if ifVersion != 0 && ifVersion != c.Version {
			return &ports.Error{Kind: ports.ErrPrecondition, Code: "PRECONDITION_FAILED", Message: "The class changed since it was read; read it again."}
		}
		return s.store.DeleteClass(ctx, id)
	})
}

// Page is a page of classes with the total matching.
type Page struct {
	Classes []Class
	Total   int
}

// Classes lists the classes after the first offset ones.
func (s *Service) Classes(ctx context.Context, tenantID string, f ClassFilter, offset, limit int) (Page, error) {
	var v ports.Validation
	v.Check(f.CategoryID == "" || ports.IsID(f.CategoryID), "category", "must be a category id")
	v.Check(f.Sort == "" || f.Sort == SortNewest || f.Sort == SortTitle || f.Sort == SortDuration, "sort", "must be newest, title or duration")
	v.Check(utf8.RuneCountInString(f.Search) <= 100, "search", "must be at most 100 characters")
	if err := v.Err(); err != nil {
		return Page{}, err
	}
	var p Page
	err := s.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		if f.Viewer != nil {
			if f.Only, err = s.restriction(ctx, f.Viewer); err != nil {
				return err
			}
		}
		p.Classes, p.Total, err = s.store.Classes(ctx, f, offset, limit)
		return err
	})
	return p, err
}
