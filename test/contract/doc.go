// Package contract holds the suites every adapter of a port must pass, so that all adapters of
// one port behave alike and no in-memory fake drifts from the real thing. Each suite is an
// exported function taking a factory of fresh adapter instances; an adapter's own test calls it:
//
//	func TestRateLimiterContract(t *testing.T) { contract.RateLimiter(t, newLimiter) }
//
// Every suite of a store or port that holds tenants' data has a "cross-tenant" section: a row
// written in tenant A's unit of work is invisible and unchangeable from tenant B's.
package contract
