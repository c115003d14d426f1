package tenants

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/stvos/stvos/core/flag"
	"github.com/stvos/stvos/ports"
)

// FlagStores hands each client the flag store it chose (its adapters["flags"]; PostgreSQL when it
// chose none) among the stores this server runs. The application provides every store once; the
// choice is made per call, from the client's settings as the resolver cached them. It implements
// flag.Stores.
type FlagStores struct {
	tenants *Resolver
	byName  map[string]flag.Store
}

var _ flag.Stores = (*FlagStores)(nil)

// NewFlagStores returns the registry of the stores given, by their names.
func NewFlagStores(r *Resolver, all []flag.Store) *FlagStores {
	s := &FlagStores{tenants: r, byName: make(map[string]flag.Store, len(all))}
	for _, st := range all {
		s.byName[st.Name()] = st
	}
	return s
}

// For answers the store the client is configured for.
func (s *FlagStores) For(ctx context.Context, tenantID string) (flag.Store, error) {
	c, ok := s.tenants.CachedTenant(tenantID)
	if !ok {
		var err error
		if c, err = s.tenants.LoadTenant(ctx, tenantID); errors.Is(err, ErrUnknownTenant) {
			return nil, ports.NotFound("tenant") // an operator named a client that does not exist
		} else if err != nil {
			return nil, err
		}
	}
	name := c.Tenant.Adapters[PortFlags]
	if name == "" {
		name = DefaultFlags
	}
	if st, ok := s.byName[name]; ok {
		return st, nil
	}
	names := make([]string, 0, len(s.byName))
	for n := range s.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("tenants: flags adapter %q is not configured on this server (it runs: %s)", name, strings.Join(names, ", "))
}
