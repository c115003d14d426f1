package product

import "context"

// Store keeps products, in the tenant's unit of work. Missing rows are ports.ErrNotFound.
type Store interface {
	Create(ctx context.Context, p Product) error
	// Get loads a product of the tenant (for update when forUpdate).
	Get(ctx context.Context, id string, forUpdate bool) (Product, error)
	Save(ctx context.Context, p Product) error
	Delete(ctx context.Context, id string) error
	// List returns a page of the products matching the filter and how many match.
	List(ctx context.Context, f Filter, offset, limit int) ([]Product, int, error)
	// Types lists the product types of active products with their counts, by name.
	Types(ctx context.Context) ([]Type, error)
}
