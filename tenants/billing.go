package tenants

import (
	"context"

	"github.com/stvos/stvos/core/invoice"
	"github.com/stvos/stvos/core/subscription"
	"github.com/stvos/stvos/core/tenant"
)

// Billing answers each client's billing settings (tax, when plan changes take effect) and what
// its invoices say of it, from the client's settings as the resolver caches them. It implements
// subscription.Clients and invoice.Sellers.
type Billing struct{ tenants *Resolver }

var (
	_ subscription.Clients = Billing{}
	_ invoice.Sellers      = Billing{}
)

// NewBilling returns the billing settings of the resolver's clients.
func NewBilling(r *Resolver) Billing { return Billing{tenants: r} }

func (b Billing) tenant(ctx context.Context, tenantID string) (tenant.Tenant, error) {
	c, err := b.tenants.Tenant(ctx, tenantID)
	return c.Tenant, err
}

// Billing answers the client's settings, the platform's defaults where it set none.
func (b Billing) Billing(ctx context.Context, tenantID string) (subscription.Settings, error) {
	t, err := b.tenant(ctx, tenantID)
	if err != nil {
		return subscription.Settings{}, err
	}
	p := subscription.DefaultChangePolicy
	if e := t.Billing.UpgradeEffective; e != "" {
		p.Upgrade = e
	}
	if e := t.Billing.DowngradeEffective; e != "" {
		p.Downgrade = e
	}
	return subscription.Settings{TaxRate: t.Billing.TaxRate, Policy: p}, nil
}

// Seller answers the client's name and brand colour, as its invoices show them.
func (b Billing) Seller(ctx context.Context, tenantID string) (string, string, error) {
	t, err := b.tenant(ctx, tenantID)
	if err != nil {
		return "", "", err
	}
	name := t.Branding.DisplayName
	if name == "" {
		name = t.Name
	}
	return name, t.Branding.PrimaryColor, nil
}
