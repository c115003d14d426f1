package tenants

import (
	"context"

	"github.com/stvos/stvos/core/mailer"
	"github.com/stvos/stvos/ports"
)

// Mailers hands each client the email sender it chose (its adapters["email"]; the outbox when
// it chose none) among the senders this server runs, and the branding its messages wear. The
// application provides every sender once; the choice is made per message, from the client's
// settings as the resolver cached them. It implements mailer.Senders and mailer.Brands.
type Mailers struct{ adapters[ports.Email] }

var (
	_ mailer.Senders = (*Mailers)(nil)
	_ mailer.Brands  = (*Mailers)(nil)
)

// NewMailers returns the registry of the senders given, by their names.
func NewMailers(r *Resolver, all []ports.Email) *Mailers {
	return &Mailers{newAdapters(r, PortEmail, DefaultEmail, all)}
}

// For answers the sender the client is configured for.
func (m *Mailers) For(ctx context.Context, tenantID string) (ports.Email, error) {
	return m.forTenant(ctx, tenantID)
}

// Brand answers what the client's messages show of it.
func (m *Mailers) Brand(ctx context.Context, tenantID string) (mailer.Brand, error) {
	c, err := m.tenants.Tenant(ctx, tenantID)
	if err != nil {
		return mailer.Brand{}, err
	}
	b := c.Tenant.Branding
	name := b.DisplayName
	if name == "" {
		name = c.Tenant.Name
	}
	return mailer.Brand{Name: name, PrimaryColor: b.PrimaryColor, LogoURL: b.LogoURL}, nil
}

// Named answers the sender of that name (an error for one this server does not run).
func (m *Mailers) Named(name string) (ports.Email, error) { return m.named(name) }
