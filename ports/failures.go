package ports

import "context"

// Failures counts failed attempts (wrong passwords, wrong codes) against limits shared by every
// server process, so that what is throttled is guessing, not use: successes are not counted.
// Keys are opaque, with a {hash tag} as for RateLimiter. Errors of no kind mean the store is
// unreachable.
type Failures interface {
	// Check reports, without counting anything, whether one more failure would still be within
	// every limit; the decision returned is the tightest (the first refusing one, else the one
	// with the least remaining).
	Check(ctx context.Context, limits []KeyedLimit) (Decision, error)
	// Fail counts one failure against every limit.
	Fail(ctx context.Context, limits []KeyedLimit) error
	// Clear forgets the failures counted under key.
	Clear(ctx context.Context, key string) error
}
