package ports

import "context"

// KeyedLimit is one rate limit to count a request against.
type KeyedLimit struct {
	// Key is opaque to the store; callers put the tenant (or the address) in a {hash tag}.
	Key   string
	Limit Limit
}

// AdmissionQuery is everything the request path must ask the shared store before a request may
// proceed: the rate limits to count it against, whether the session of its token was revoked,
// and the change generation of its tenant.
type AdmissionQuery struct {
	// Limits are all counted, in order, whatever the others decide.
	Limits []KeyedLimit
	// SessionID, when set, is checked against the revocation list.
	SessionID string
	// TenantID, when set, has its change generation read.
	TenantID string
}

// AdmissionAnswer answers an AdmissionQuery.
type AdmissionAnswer struct {
	// Decisions has one decision per limit, in the query's order.
	Decisions []Decision
	// Revoked is true when the session was revoked.
	Revoked bool
	// Generation is the tenant's change generation: it grows with every change announced through
	// Changes.Changed, so anything cached about the tenant with an older generation is stale.
	Generation int64
}

// Admission answers admission queries in one round trip to the store that every server process
// shares, so the hot path pays one network exchange for all its limit, revocation and cache
// checks. It returns errors of no kind only when the store is unreachable.
type Admission interface {
	Admit(ctx context.Context, q AdmissionQuery) (AdmissionAnswer, error)
}

// Changes announces to every server process that something cached about a tenant changed (its
// settings or status, an API key), by advancing the tenant's change generation. Callers announce
// after the change commits, so a process that sees the new generation reloads committed data.
// Changed never fails its caller, whose change is already committed: an adapter that cannot
// reach its store logs it, and caches then go stale for at most their bounded age (a minute).
type Changes interface {
	Changed(ctx context.Context, tenantID string)
}
