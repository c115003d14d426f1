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

// Tightest is the decision to show for several limits: the first refusing one, else the one with
// the least remaining. Unset limits are passed over; with none left the result has a zero Limit.
func Tightest(ds []Decision) Decision {
	var shown *Decision
	for i := range ds {
		d := &ds[i]
		if d.Limit.IsZero() {
			continue
		}
		if !d.Allowed {
			return *d
		}
		if shown == nil || d.Remaining < shown.Remaining {
			shown = d
		}
	}
	if shown == nil {
		return Decision{Allowed: true, Remaining: -1}
	}
	return *shown
}
