package ports

import (
	"context"
	"errors"
)

// Scope says whose rows a unit of work may touch.
type Scope struct {
	// TenantID binds the transaction to one tenant: row-level security shows and accepts only
	// that tenant's rows. Empty together with Platform false is not a valid scope.
	TenantID string
	// Platform opens the transaction for platform work that crosses tenants by design: operator
	// accounts, the tenant registry, and resolving a credential to its tenant. Only the platform
	// surface and credential resolution use it.
	Platform bool
}

// TenantScope is the scope of one tenant.
func TenantScope(tenantID string) Scope { return Scope{TenantID: tenantID} }

// PlatformScope is the scope of platform-wide work.
func PlatformScope() Scope { return Scope{Platform: true} }

// ErrNoUnitOfWork is returned by stores called outside a unit of work: every query runs inside
// one, so the tenant is always bound to it.
var ErrNoUnitOfWork = errors.New("store used outside a unit of work")

// UnitOfWork runs a function inside one database transaction bound to a scope. The function's
// context carries the transaction; stores find it there. The transaction commits when fn returns
// nil and rolls back otherwise, so a use case is all or nothing. A nested call joins the outer
// transaction: with the same scope it changes nothing; from the platform scope it may narrow to
// one tenant for its duration (the outer scope returns afterwards); any other change of scope,
// such as one tenant into another, is refused with ErrForbidden.
//
// Read is the unit of work of a use case that only reads: the store refuses any write or lock
// in it, and each statement sees what was committed when it started (as every statement of a
// READ COMMITTED transaction does), so a read of one statement costs one round trip. Inside a Do
// it joins that transaction; a Do inside a Read is refused.
type UnitOfWork interface {
	Do(ctx context.Context, scope Scope, fn func(ctx context.Context) error) error
	Read(ctx context.Context, scope Scope, fn func(ctx context.Context) error) error
}

// ErrWriteInRead is returned by a Do nested in a Read.
var ErrWriteInRead = errors.New("a unit of work that reads cannot write")

// Directory finds the tenant of things that callers address without naming a tenant: an API
// key's prefix, a partner id in a platform URL, later a partner staff email or an OAuth client.
// Register runs in the scope of the tenant that owns the thing and reports ErrConflict (code
// ALREADY_REGISTERED) when the key is taken; Lookup needs the platform scope and reports
// ErrNotFound for unknown keys.
type Directory interface {
	Register(ctx context.Context, kind, key, tenantID string) error
	Lookup(ctx context.Context, kind, key string) (tenantID string, err error)
	// Unregister removes an entry of the current tenant; a missing entry is not an error.
	Unregister(ctx context.Context, kind, key string) error
}

// Directory kinds.
const (
	DirectoryAPIKey  = "api_key"
	DirectoryPartner = "partner"
)
