package tenants

import (
	"context"

	"github.com/stvos/stvos/core/onboarding"
	"github.com/stvos/stvos/ports"
)

// The integrations port: which provider serves an onboarding source.
const (
	// PortIntegrations is the integration provider (ports.IntegrationProvider) of sources the
	// client did not configure one by one.
	PortIntegrations = "integrations"
	// DefaultIntegrations serves every unconfigured source with the built-in sandbox, so a client
	// can try onboarding at once; a client that chooses oauth2 serves only the sources it
	// configured, each with its own provider settings.
	DefaultIntegrations = "sandbox"
)

// ConfiguredSources answers the provider a client configured for a source (a generic OAuth 2
// provider with its URLs and credentials), and whether it configured one.
type ConfiguredSources interface {
	Configured(ctx context.Context, tenantID, source string) (ports.IntegrationProvider, bool, error)
}

// Integrations hands each onboarding the provider of its source: the one the client configured
// for that source, else the adapter its adapters["integrations"] names for the rest (the sandbox
// by default; oauth2 there means "only configured sources"). It implements onboarding.Providers.
type Integrations struct {
	tenants    *Resolver
	sandbox    ports.IntegrationProvider
	configured ConfiguredSources
}

var _ onboarding.Providers = (*Integrations)(nil)

// NewIntegrations returns the registry.
func NewIntegrations(r *Resolver, sandbox ports.IntegrationProvider, configured ConfiguredSources) *Integrations {
	return &Integrations{tenants: r, sandbox: sandbox, configured: configured}
}

// For implements onboarding.Providers.
func (i *Integrations) For(ctx context.Context, tenantID, source string) (ports.IntegrationProvider, error) {
	if i.configured != nil {
		p, ok, err := i.configured.Configured(ctx, tenantID, source)
		if err != nil || ok {
			return p, err
		}
	}
	name := DefaultIntegrations
	if i.tenants != nil {
		c, err := i.tenants.Tenant(ctx, tenantID)
		if err != nil {
			return nil, err
		}
		if n := c.Tenant.Adapters[PortIntegrations]; n != "" {
			name = n
		}
	}
	if name == DefaultIntegrations {
		return i.sandbox, nil
	}
	return nil, ports.Invalid("source", "is not an integration source this client configured")
}
