package ports

import (
	"context"
	"time"
)

// Limit is a rate: Rate events per Period with bursts up to Burst.
type Limit struct {
	Rate   int
	Burst  int
	Period time.Duration
}

// IsZero reports an unset limit (no limiting).
func (l Limit) IsZero() bool { return l.Rate <= 0 || l.Period <= 0 }

// Decision is the outcome of one rate-limit check.
type Decision struct {
	// Allowed is false when the event must be refused.
	Allowed bool
	// Limit echoes the limit applied.
	Limit Limit
	// Remaining is how many more events are allowed right now.
	Remaining int
	// RetryAfter is how long to wait before the next event is allowed (zero when allowed).
	RetryAfter time.Duration
	// ResetAfter is how long until the bucket is full again.
	ResetAfter time.Duration
}

// RateLimiter counts events per key with the generic cell rate algorithm, shared by every server
// process. Keys are opaque; callers put the tenant in a {hash tag} so a cluster keeps a tenant's
// keys together. It returns errors of no kind only when the store is unreachable.
type RateLimiter interface {
	Allow(ctx context.Context, key string, limit Limit) (Decision, error)
}
