package tenants

import (
	"context"

	"github.com/stvos/stvos/core/payment"
	"github.com/stvos/stvos/ports"
)

// Gateways hands each client the payment gateway it chose (its adapters["payments"]; the
// sandbox when it chose none) among the gateways this server runs. The application provides
// every gateway once; the choice is made per call, from the client's settings as the resolver
// cached them for the request. It implements payment.Gateways.
type Gateways struct{ adapters[ports.Payments] }

var _ payment.Gateways = (*Gateways)(nil)

// NewGateways returns the registry of the gateways given, by their names.
func NewGateways(r *Resolver, all []ports.Payments) *Gateways {
	return &Gateways{newAdapters(r, PortPayments, DefaultPayments, all)}
}

// For answers the gateway the client is configured for.
func (g *Gateways) For(ctx context.Context, tenantID string) (ports.Payments, error) {
	return g.forTenant(ctx, tenantID)
}

// Named answers the gateway of that name (an error for one this server does not run).
func (g *Gateways) Named(name string) (ports.Payments, error) { return g.named(name) }
