package tenant

import (
	"context"
	"time"
)

// Store keeps tenants and their API keys. Every method runs inside a ports.UnitOfWork taken from
// ctx: tenants are written in the platform scope and read there or in their own scope; keys live
// in their tenant's scope. Methods report ports.ErrNotFound for missing rows and
// ports.ErrConflict (code SLUG_TAKEN) for a taken slug.
type Store interface {
	Create(ctx context.Context, t Tenant) error
	Get(ctx context.Context, id string) (Tenant, error)
	// List returns up to limit tenants ordered by id, after the given id when it is not empty.
	List(ctx context.Context, after string, limit int) ([]Tenant, error)
	// Update loads the tenant, applies fn and saves the result in the same transaction.
	Update(ctx context.Context, id string, fn func(*Tenant) error) (Tenant, error)

	CreateKey(ctx context.Context, k APIKey) error
	ListKeys(ctx context.Context, tenantID string) ([]APIKey, error)
	RevokeKey(ctx context.Context, tenantID, keyID string) (APIKey, error)
	KeyByPrefix(ctx context.Context, prefix string) (APIKey, error)
	// TouchKey records that the key was used at the given time, unless a later use is recorded.
	TouchKey(ctx context.Context, tenantID, keyID string, at time.Time) error
}

// StringsStore keeps a tenant's content strings (About us, privacy policy) shown by its apps.
type StringsStore interface {
	Strings(ctx context.Context, tenantID string) (map[string]string, error)
	MergeStrings(ctx context.Context, tenantID string, s map[string]string) error
}
