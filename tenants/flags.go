package tenants

import (
	"context"
	"errors"

	"github.com/stvos/stvos/core/flag"
	"github.com/stvos/stvos/ports"
)

// FlagStores hands each client the flag store it chose (its adapters["flags"]; PostgreSQL when it
// chose none) among the stores this server runs. The application provides every store once; the
// choice is made per call, from the client's settings as the resolver cached them. It implements
// flag.Stores.
type FlagStores struct{ adapters[flag.Store] }

var _ flag.Stores = (*FlagStores)(nil)

// NewFlagStores returns the registry of the stores given, by their names.
func NewFlagStores(r *Resolver, all []flag.Store) *FlagStores {
	return &FlagStores{newAdapters(r, PortFlags, DefaultFlags, all)}
}

// For answers the store the client is configured for; a client that does not exist is not found
// (an operator named it).
func (s *FlagStores) For(ctx context.Context, tenantID string) (flag.Store, error) {
	st, err := s.forTenant(ctx, tenantID)
	if errors.Is(err, ErrUnknownTenant) {
		return nil, ports.NotFound("tenant")
	}
	return st, err
}
