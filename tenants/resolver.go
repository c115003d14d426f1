package tenants

import (
	"context"
	"crypto/sha256"
	"errors"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/ports"
)

// Cache bounds. An entry is trusted while the tenant's change generation (read in the request's
// admission check) equals the one it was loaded under; whatever the generation says, it is
// reloaded once MaxAge has passed, and after StaleWithoutGeneration when the generation could
// not be read (the shared store unreachable), so no change stays unseen for long in any case.
const (
	cacheEntries           = 10_000
	MaxAge                 = time.Minute
	StaleWithoutGeneration = 5 * time.Second
	// unknownGeneration marks an entry loaded before its tenant's generation was read: the
	// first confirmation reloads it.
	unknownGeneration = -1
)

// ErrUnknownTenant answers a token whose tenant no longer exists.
var ErrUnknownTenant = ports.Unauthenticated("INVALID_TOKEN", "The token's client does not exist.")

// Resolver finds and checks the tenant of a request. API keys and tenants are cached in process
// and confirmed on every request against the tenant's change generation, which the request's
// one admission round trip to Redis reads anyway; so a suspension, a revoked key or a changed
// setting is seen by every process at once, and a request whose caller is cached reads nothing
// from the database before its handler. A key's last use is recorded in batches (KeyUses).
type Resolver struct {
	tenants *tenant.Service
	clock   ports.Clock
	keys    *lru.Cache[[sha256.Size]byte, keyEntry]
	byID    *lru.Cache[string, tenantEntry]
	uses    *KeyUses
}

type keyEntry struct {
	tenant   tenant.Tenant
	key      tenant.APIKey
	gen      int64
	loadedAt time.Time
}

type tenantEntry struct {
	tenant   tenant.Tenant
	gen      int64
	loadedAt time.Time
}

// NewResolver returns a resolver over the tenant use cases.
func NewResolver(tenants *tenant.Service, clock ports.Clock, uses *KeyUses) *Resolver {
	keys, _ := lru.New[[sha256.Size]byte, keyEntry](cacheEntries)
	byID, _ := lru.New[string, tenantEntry](cacheEntries)
	return &Resolver{tenants: tenants, clock: clock, keys: keys, byID: byID, uses: uses}
}

// Candidate is a resolution taken from the cache or freshly loaded, not yet confirmed against
// the tenant's current generation.
type Candidate struct {
	// TenantID and Tenant are the tenant as last loaded (its rate limits decide the request's
	// budget before confirmation).
	TenantID string
	Tenant   tenant.Tenant
	secret   string
	digest   [sha256.Size]byte
	entry    keyEntry
	fromKey  bool
}

// KeyID is the API key's id, for a candidate resolved from one.
func (c Candidate) KeyID() string { return c.entry.key.ID }

// CachedKey returns the cached resolution of an API key, without any I/O.
func (r *Resolver) CachedKey(secret string) (Candidate, bool) {
	d := sha256.Sum256([]byte(secret))
	e, ok := r.keys.Get(d)
	if !ok {
		return Candidate{}, false
	}
	return Candidate{TenantID: e.tenant.ID, Tenant: e.tenant, secret: secret, digest: d, entry: e, fromKey: true}, true
}

// LoadKey resolves an API key from the database (a cache miss). It answers tenant.ErrBadAPIKey
// for a key that does not resolve; the status is checked by Confirm.
func (r *Resolver) LoadKey(ctx context.Context, secret string) (Candidate, error) {
	t, k, err := r.tenants.LoadKey(ctx, secret)
	if err != nil {
		return Candidate{}, err
	}
	e := keyEntry{tenant: t, key: k, gen: unknownGeneration, loadedAt: r.clock.Now()}
	d := sha256.Sum256([]byte(secret))
	r.keys.Add(d, e)
	return Candidate{TenantID: t.ID, Tenant: t, secret: secret, digest: d, entry: e, fromKey: true}, nil
}

// CachedTenant returns the cached tenant of a token's claims, without any I/O.
func (r *Resolver) CachedTenant(id string) (Candidate, bool) {
	e, ok := r.byID.Get(id)
	if !ok {
		return Candidate{}, false
	}
	return Candidate{TenantID: id, Tenant: e.tenant, entry: keyEntry{tenant: e.tenant, gen: e.gen, loadedAt: e.loadedAt}}, true
}

// LoadTenant loads the tenant of a token's claims from the database (a cache miss).
func (r *Resolver) LoadTenant(ctx context.Context, id string) (Candidate, error) {
	t, err := r.loadTenant(ctx, id, unknownGeneration)
	if err != nil {
		return Candidate{}, err
	}
	return Candidate{TenantID: id, Tenant: t, entry: keyEntry{tenant: t, gen: unknownGeneration}}, nil
}

func (r *Resolver) loadTenant(ctx context.Context, id string, gen int64) (tenant.Tenant, error) {
	t, err := r.tenants.Get(ctx, id)
	if errors.Is(err, ports.ErrNotFound) {
		r.byID.Remove(id)
		return tenant.Tenant{}, ErrUnknownTenant
	}
	if err != nil {
		return tenant.Tenant{}, err
	}
	r.byID.Add(id, tenantEntry{tenant: t, gen: gen, loadedAt: r.clock.Now()})
	return t, nil
}

// Confirm checks a candidate against the tenant's current generation (known is false when it
// could not be read), reloading it when it may be stale, and returns the active tenant and, for
// an API key, the key. It answers tenant.ErrBadAPIKey for a key revoked meanwhile,
// tenant.ErrTenantSuspended for a suspended tenant and ErrUnknownTenant for one that is gone.
func (r *Resolver) Confirm(ctx context.Context, c Candidate, gen int64, known bool) (tenant.Tenant, tenant.APIKey, error) {
	if !known {
		gen = unknownGeneration
	}
	e := c.entry
	if !r.fresh(e, gen, known) {
		var err error
		if c.fromKey {
			e, err = r.reloadKey(ctx, c, gen)
		} else {
			e.tenant, err = r.loadTenant(ctx, c.TenantID, gen)
		}
		if err != nil {
			return tenant.Tenant{}, tenant.APIKey{}, err
		}
	}
	if !e.tenant.Active() {
		return tenant.Tenant{}, tenant.APIKey{}, tenant.ErrTenantSuspended
	}
	if c.fromKey {
		r.uses.Seen(e.key, r.clock.Now())
	}
	return e.tenant, e.key, nil
}

func (r *Resolver) fresh(e keyEntry, gen int64, known bool) bool {
	age := r.clock.Now().Sub(e.loadedAt)
	if !known {
		return age < StaleWithoutGeneration
	}
	return e.gen == gen && age < MaxAge
}

func (r *Resolver) reloadKey(ctx context.Context, c Candidate, gen int64) (keyEntry, error) {
	t, k, err := r.tenants.LoadKey(ctx, c.secret)
	if err != nil {
		r.keys.Remove(c.digest)
		return keyEntry{}, err
	}
	e := keyEntry{tenant: t, key: k, gen: gen, loadedAt: r.clock.Now()}
	r.keys.Add(c.digest, e)
	r.byID.Add(t.ID, tenantEntry{tenant: t, gen: gen, loadedAt: e.loadedAt})
	return e, nil
}
