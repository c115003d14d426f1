package ports

import "context"

// FlagChanges announces to every server process, this one included, that a tenant's feature flag
// definitions changed, so that each drops its compiled copy and loads the committed definitions
// on its next evaluation. Callers announce after the change commits. Announce never fails its
// caller, whose change is already committed: an adapter that cannot reach its store logs it, and
// caches then go stale for at most their bounded age.
type FlagChanges interface {
	Announce(ctx context.Context, tenantID string)
}
