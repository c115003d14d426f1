package organization

import (
	"context"

	"github.com/stvos/stvos/core/account"
)

// Store keeps organizations and their people. Every method runs inside the tenant's
// ports.UnitOfWork from ctx. Missing rows are ports.ErrNotFound; a provider_id already used by
// the partner is ports.ErrConflict with code ORGANIZATION_EXISTS.
type Store interface {
	Create(ctx context.Context, o Organization) error
	Get(ctx context.Context, id string) (Organization, error)
	// ByProviderID finds the partner's organization with the provider id.
	ByProviderID(ctx context.Context, partnerID, providerID string) (Organization, error)
	// SetMember adds the user to the organization with the role, or changes their role.
	SetMember(ctx context.Context, m Member) error
	// Members lists the organization's people, oldest first.
	Members(ctx context.Context, orgID string) ([]Member, error)
}

// Accounts finds or creates the client's users (core/account), in the caller's unit of work.
type Accounts interface {
	Provision(ctx context.Context, tenantID, email, name string) (account.User, bool, error)
}
