package partnertoken

import (
	"context"
	"time"

	"github.com/stvos/stvos/core/organization"
	"github.com/stvos/stvos/core/partner"
)

// Store keeps partner tokens. Every method runs inside the tenant's ports.UnitOfWork from ctx;
// missing rows are ports.ErrNotFound.
type Store interface {
	Create(ctx context.Context, t Token) error
	// Get loads a token for update: the row stays locked until the unit of work ends.
	Get(ctx context.Context, id string) (Token, error)
	ByClientID(ctx context.Context, clientID string) (Token, error)
	// List returns up to limit tokens of the partner ordered by id, after the given id.
	List(ctx context.Context, partnerID, after string, limit int) ([]Token, error)
	Revoke(ctx context.Context, id string, at time.Time) error
}

// Organizations finds a partner's organization (core/organization), in the caller's unit of
// work; another partner's is ports.ErrNotFound.
type Organizations interface {
	Find(ctx context.Context, partnerID, orgID string) (organization.Organization, error)
}

// Partners reads a partner, in its tenant's unit of work.
type Partners interface {
	Get(ctx context.Context, id string) (partner.Partner, error)
}

// TenantStatus tells whether a tenant is active, in its unit of work.
type TenantStatus interface {
	TenantActive(ctx context.Context, tenantID string) (bool, error)
}
