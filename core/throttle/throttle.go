// Package throttle decides whether a guess may be made: a sign-in with a password, a code typed
// on a verification page. It counts failures, not attempts, so twenty members registering and
// signing in on a gym's Wi-Fi during one class spend nothing, while guessing one account's
// password (failures per account and address) or trying one password on many accounts
// (credential stuffing: failures per address across accounts) is refused with a time to wait.
package throttle

import (
	"context"
	"strings"
	"time"

	"github.com/stvos/stvos/ports"
)

// Policy is how many failures are allowed, and over what period.
type Policy struct {
	// PerAccount bounds failures on one account from one address.
	PerAccount ports.Limit
	// PerAddress bounds failures from one address across every account.
	PerAddress ports.Limit
}

// DefaultPolicy allows 5 failures per account and address in 15 minutes, and 50 per address in
// 10 minutes.
func DefaultPolicy() Policy {
	return Policy{
		PerAccount: ports.Limit{Rate: 5, Burst: 5, Period: 15 * time.Minute},
		PerAddress: ports.Limit{Rate: 50, Burst: 50, Period: 10 * time.Minute},
	}
}

// Throttle checks and counts guesses.
type Throttle struct {
	failures ports.Failures
	policy   Policy
}

// New returns a throttle counting failures in the store.
func New(failures ports.Failures, p Policy) *Throttle {
	return &Throttle{failures: failures, policy: p}
}

// Attempt is one guess under way.
type Attempt struct {
	t       *Throttle
	limits  []ports.KeyedLimit
	account string
}

// Begin checks that a guess at account (an email) from address may be made in realm (a tenant
// id, "platform", "partner"; an empty account counts only against the address, for guesses that
// name no account, such as a device code): it answers ErrLimitExceeded, code TOO_MANY_ATTEMPTS,
// with the time to wait when the failures allowed are spent. When the store cannot be reached
// the guess is allowed (the per-address request limits and the cost of password hashing still
// hold).
func (t *Throttle) Begin(ctx context.Context, realm, account, address string) (*Attempt, error) {
	a := &Attempt{t: t}
	a.limits = []ports.KeyedLimit{{Key: "fail:address:{" + address + "}", Limit: t.policy.PerAddress}}
	if account != "" {
		a.account = "fail:{" + realm + "}:account:" + strings.ToLower(account) + "|" + address
		a.limits = append(a.limits, ports.KeyedLimit{Key: a.account, Limit: t.policy.PerAccount})
	}
	d, err := t.failures.Check(ctx, a.limits)
	if err != nil || d.Allowed {
		return a, nil //nolint:nilerr // fails open, see above
	}
	retry := int(d.RetryAfter.Seconds()) + 1
	return nil, &ports.Error{Kind: ports.ErrLimitExceeded, Code: "TOO_MANY_ATTEMPTS",
		Message: "Too many failed attempts; try again later.", RetryAfterSeconds: retry}
}

// Failed counts the guess as a failure. Like Begin it fails open: a store that cannot be reached
// loses the count.
func (a *Attempt) Failed(ctx context.Context) {
	_ = a.t.failures.Fail(context.WithoutCancel(ctx), a.limits)
}

// Succeeded forgets the account's failures from this address.
func (a *Attempt) Succeeded(ctx context.Context) {
	if a.account != "" {
		_ = a.t.failures.Clear(context.WithoutCancel(ctx), a.account)
	}
}
