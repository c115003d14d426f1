package staff

import (
	"context"

	"github.com/stvos/stvos/core/partner"
)

// Store finds partner staff and their partner, in the staff's tenant unit of work.
type Store interface {
	StaffByEmail(ctx context.Context, email string) (partner.Staff, error)
	Staff(ctx context.Context, id string) (partner.Staff, error)
	Get(ctx context.Context, partnerID string) (partner.Partner, error)
}

// TenantStatus tells whether a tenant is active, in its unit of work.
type TenantStatus interface {
	TenantActive(ctx context.Context, tenantID string) (bool, error)
}
