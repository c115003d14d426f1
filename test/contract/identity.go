package contract

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// Tenants is what the store suites share: a unit of work and a way to make tenants (the tenant
// registry is not theirs to write).
type Tenants struct {
	UnitOfWork ports.UnitOfWork
	// New creates a tenant and returns its id.
	New func(t *testing.T) string
}

// in runs fn in a tenant's unit of work and fails the test on error.
func (e Tenants) in(t *testing.T, tenantID string, fn func(ctx context.Context) error) {
	t.Helper()
	require.NoError(t, e.UnitOfWork.Do(context.Background(), ports.TenantScope(tenantID), fn))
}

// try runs fn in a tenant's unit of work and returns its error.
func (e Tenants) try(tenantID string, fn func(ctx context.Context) error) error {
	return e.UnitOfWork.Do(context.Background(), ports.TenantScope(tenantID), fn)
}

// platform runs fn in the platform's unit of work and fails the test on error.
func (e Tenants) platform(t *testing.T, fn func(ctx context.Context) error) {
	t.Helper()
	require.NoError(t, e.UnitOfWork.Do(context.Background(), ports.PlatformScope(), fn))
}
