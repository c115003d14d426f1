package partner

import "context"

// Store keeps partners and their staff. Every method runs inside a ports.UnitOfWork from ctx.
// Missing rows are ports.ErrNotFound; a staff email already used in the tenant is
// ports.ErrConflict with code EMAIL_TAKEN.
type Store interface {
	Create(ctx context.Context, p Partner) error
	Get(ctx context.Context, id string) (Partner, error)
	// List returns up to limit partners of the tenant ordered by id, after the given id.
	List(ctx context.Context, tenantID, after string, limit int) ([]Partner, error)

	CreateStaff(ctx context.Context, s Staff) error
	// ListStaff returns up to limit staff of the partner ordered by id, after the given id.
	ListStaff(ctx context.Context, partnerID, after string, limit int) ([]Staff, error)
	// LockPartner loads a partner of the current tenant and locks it until the unit of work ends.
	LockPartner(ctx context.Context, id string) (Partner, error)
	// Staff loads a staff member of the current tenant.
	Staff(ctx context.Context, id string) (Staff, error)
	// CountOwners counts the partner's staff with the owner role.
	CountOwners(ctx context.Context, partnerID string) (int, error)
	SetStaffRole(ctx context.Context, id string, role Role) error
	// DeleteStaff removes a staff account; a missing one is ports.ErrNotFound.
	DeleteStaff(ctx context.Context, id string) error
}
