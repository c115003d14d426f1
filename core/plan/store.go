package plan

import "context"

// Store keeps plans, in the tenant's unit of work. Missing rows are ports.ErrNotFound.
type Store interface {
	Create(ctx context.Context, p Plan) error
	// Get loads a plan of the tenant, active or not (for update when forUpdate).
	Get(ctx context.Context, id string, forUpdate bool) (Plan, error)
	// Save stores every field of a plan but its id, tenant and creation time.
	Save(ctx context.Context, p Plan) error
	// List returns up to limit plans of the tenant whose id is after the given one (any when
	// empty), in id order, which is creation order; active ones only when activeOnly.
	List(ctx context.Context, activeOnly bool, after string, limit int) ([]Plan, error)
}
