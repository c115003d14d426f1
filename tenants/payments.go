package tenants

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/stvos/stvos/core/payment"
	"github.com/stvos/stvos/ports"
)

// Gateways hands each client the payment gateway it chose (its adapters["payments"]; the
// sandbox when it chose none) among the gateways this server runs. The application provides
// every gateway once; the choice is made per call, from the client's settings as the resolver
// cached them for the request. It implements payment.Gateways.
type Gateways struct {
	tenants *Resolver
	byName  map[string]ports.Payments
}

var _ payment.Gateways = (*Gateways)(nil)

// NewGateways returns the registry of the gateways given, by their names.
func NewGateways(r *Resolver, all []ports.Payments) *Gateways {
	g := &Gateways{tenants: r, byName: make(map[string]ports.Payments, len(all))}
	for _, p := range all {
		g.byName[p.Name()] = p
	}
	return g
}

// For answers the gateway the client is configured for.
func (g *Gateways) For(ctx context.Context, tenantID string) (ports.Payments, error) {
	c, ok := g.tenants.CachedTenant(tenantID)
	if !ok {
		var err error
		if c, err = g.tenants.LoadTenant(ctx, tenantID); err != nil {
			return nil, err
		}
	}
	name := c.Tenant.Adapters[PortPayments]
	if name == "" {
		name = DefaultPayments
	}
	return g.Named(name)
}

// Named answers the gateway of that name. A name the server does not run (a client chose
// stripe on a server that had its key, and the key is gone) is an error for the logs: the
// configuration must be mended, no caller can.
func (g *Gateways) Named(name string) (ports.Payments, error) {
	if p, ok := g.byName[name]; ok {
		return p, nil
	}
	names := make([]string, 0, len(g.byName))
	for n := range g.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("tenants: payments adapter %q is not configured on this server (it runs: %s)", name, strings.Join(names, ", "))
}
