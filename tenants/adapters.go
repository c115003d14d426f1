package tenants

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Tenant answers the client from the resolver's cache, loading it on a miss.
func (r *Resolver) Tenant(ctx context.Context, id string) (Candidate, error) {
	if c, ok := r.CachedTenant(id); ok {
		return c, nil
	}
	return r.LoadTenant(ctx, id)
}

// adapters are the adapters of one port this server runs, by name: each client uses the one its
// adapters[port] names, or fallback when it names none. The application provides every adapter
// once; the choice is made per call, from the client's settings as the resolver cached them.
type adapters[T interface{ Name() string }] struct {
	tenants  *Resolver
	port     string
	fallback string
	byName   map[string]T
}

func newAdapters[T interface{ Name() string }](r *Resolver, port, fallback string, all []T) adapters[T] {
	a := adapters[T]{tenants: r, port: port, fallback: fallback, byName: make(map[string]T, len(all))}
	for _, x := range all {
		a.byName[x.Name()] = x
	}
	return a
}

// forTenant answers the adapter the client is configured for.
func (a adapters[T]) forTenant(ctx context.Context, tenantID string) (T, error) {
	c, err := a.tenants.Tenant(ctx, tenantID)
	if err != nil {
		var none T
		return none, err
	}
	return a.named(a.choice(c))
}

// choice is the name of the adapter the client chose.
func (a adapters[T]) choice(c Candidate) string {
	if n := c.Tenant.Adapters[a.port]; n != "" {
		return n
	}
	return a.fallback
}

// named answers the adapter of that name. A name the server does not run (a client chose an
// adapter whose setting is gone from this server) is an error for the logs: the configuration
// must be mended, no caller can.
func (a adapters[T]) named(name string) (T, error) {
	if x, ok := a.byName[name]; ok {
		return x, nil
	}
	names := make([]string, 0, len(a.byName))
	for n := range a.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	var none T
	return none, fmt.Errorf("tenants: %s adapter %q is not configured on this server (it runs: %s)", a.port, name, strings.Join(names, ", "))
}
