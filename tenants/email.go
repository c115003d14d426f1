package tenants

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/stvos/stvos/core/mailer"
	"github.com/stvos/stvos/ports"
)

// Mailers hands each client the email sender it chose (its adapters["email"]; the outbox when
// it chose none) among the senders this server runs, and the branding its messages wear. The
// application provides every sender once; the choice is made per message, from the client's
// settings as the resolver cached them. It implements mailer.Senders and mailer.Brands.
type Mailers struct {
	tenants *Resolver
	byName  map[string]ports.Email
}

var (
	_ mailer.Senders = (*Mailers)(nil)
	_ mailer.Brands  = (*Mailers)(nil)
)

// NewMailers returns the registry of the senders given, by their names.
func NewMailers(r *Resolver, all []ports.Email) *Mailers {
	m := &Mailers{tenants: r, byName: make(map[string]ports.Email, len(all))}
	for _, s := range all {
		m.byName[s.Name()] = s
	}
	return m
}

func (m *Mailers) tenant(ctx context.Context, tenantID string) (Candidate, error) {
	if c, ok := m.tenants.CachedTenant(tenantID); ok {
		return c, nil
	}
	return m.tenants.LoadTenant(ctx, tenantID)
}

// For answers the sender the client is configured for.
func (m *Mailers) For(ctx context.Context, tenantID string) (ports.Email, error) {
	c, err := m.tenant(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	name := c.Tenant.Adapters[PortEmail]
	if name == "" {
		name = DefaultEmail
	}
	return m.Named(name)
}

// Brand answers what the client's messages show of it.
func (m *Mailers) Brand(ctx context.Context, tenantID string) (mailer.Brand, error) {
	c, err := m.tenant(ctx, tenantID)
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

// Named answers the sender of that name. A name the server does not run (a client chose smtp on
// a server that had a relay, and the setting is gone) is an error for the logs: the
// configuration must be mended, no caller can.
func (m *Mailers) Named(name string) (ports.Email, error) {
	if s, ok := m.byName[name]; ok {
		return s, nil
	}
	names := make([]string, 0, len(m.byName))
	for n := range m.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("tenants: email adapter %q is not configured on this server (it runs: %s)", name, strings.Join(names, ", "))
}
