package catalog

import "context"

// Store keeps the catalog, in the tenant's unit of work. Missing rows are ports.ErrNotFound.
type Store interface {
	CreateCategory(ctx context.Context, c Category) error
	// Categories lists the tenant's categories by name, with their class counts (published
	// classes only when publishedOnly, and only those the restriction allows).
	Categories(ctx context.Context, publishedOnly bool, only Restriction) ([]Category, error)
	CreateClass(ctx context.Context, c Class) error
	// Class loads a class that is not deleted, for update when forUpdate.
	Class(ctx context.Context, id string, forUpdate bool) (Class, error)
	SaveClass(ctx context.Context, c Class) error
	// DeleteClass marks a class deleted.
	DeleteClass(ctx context.Context, id string) error
	// Classes returns a page of the classes that are not deleted matching the filter, and how
	// many match.
	Classes(ctx context.Context, f ClassFilter, offset, limit int) ([]Class, int, error)
	// ViewerLimits reads the content rating limit of the user's profile (a Viewer) and the titles
	// it is limited to (nil: no such limit); another user's profile, or a missing one, is
	// ports.ErrNotFound (PROFILE_NOT_FOUND).
	ViewerLimits(ctx context.Context, v Viewer) (ratingLimit string, classIDs []string, err error)
}
