package subscription

import (
	"math/big"
	"time"

	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/core/plan"
	"github.com/stvos/stvos/ports"
)

// When a change of plan takes effect.
const (
	// EffectiveImmediate: now, with the unused part of the period credited and the rest of it
	// charged at the new plan's price.
	EffectiveImmediate = "immediate"
	// EffectivePeriodEnd: at the next renewal, which bills the new plan; nothing moves now.
	EffectivePeriodEnd = "period_end"
)

// ChangePolicy says when upgrades and downgrades take effect; it is the client's configuration.
type ChangePolicy struct {
	Upgrade   string
	Downgrade string
}

// DefaultChangePolicy upgrades at once and downgrades at the next renewal: a subscriber gets more
// as soon as they pay for it, and keeps what they paid for until it ends.
var DefaultChangePolicy = ChangePolicy{Upgrade: EffectiveImmediate, Downgrade: EffectivePeriodEnd}

// Valid reports whether both directions name a known effect.
func (p ChangePolicy) Valid() bool {
	known := func(e string) bool { return e == EffectiveImmediate || e == EffectivePeriodEnd }
	return known(p.Upgrade) && known(p.Downgrade)
}

// Current is what a subscription stands on when its plan changes.
type Current struct {
	Plan plan.Plan
	// Paid is what the subscriber paid for the current period, after discounts: what a change
	// credits a part of. Zero during a trial.
	Paid        money.Amount
	PeriodStart time.Time
	PeriodEnd   time.Time
	Trialing    bool
}

// Change is what moving to another plan does, computed before anything moves: what
// /subscriptions/preview shows and what the change then does, the same figures.
type Change struct {
	From, To plan.Plan
	// Upgrade is true when the new plan costs more per month.
	Upgrade   bool
	Effective string
	// Credit is the unused part of what was paid for the current period; Charge the new plan's
	// price for the rest of it (for its whole cycle when the cycle changes); DueNow what is billed
	// now (Charge less Credit, not below zero); ToBalance the credit left over, kept on the
	// account for the next invoices. All are zero when the change waits for the period's end.
	Credit, Charge, DueNow, ToBalance money.Amount
	// PeriodStart and PeriodEnd are the period after the change: unchanged, except when the
	// billing cycle changes at once, which starts a new period now.
	PeriodStart, PeriodEnd time.Time
	// NextBillingDate is when the next invoice is due: the period's end.
	NextBillingDate time.Time
}

// PlanChange computes a change of plan at the time at, under the client's policy. The new plan
// must be active, another plan, and billed in the same currency (prices in two currencies cannot
// be netted); at must lie in the current period.
//
// Proration is exact until its last step: the unused fraction of the period is measured in
// seconds, credit and charge are computed as exact fractions of the amounts, and each is rounded
// once to the currency's minor unit, halves away from zero. A change during a trial moves no
// money: the trial continues on the new plan and its first invoice bills it.
func PlanChange(cur Current, to plan.Plan, policy ChangePolicy, at time.Time) (Change, error) {
	var v ports.Validation
	v.Check(to.ID != cur.Plan.ID, "plan_id", "is the current plan")
	v.Check(to.IsActive, "plan_id", "is no longer offered")
	v.Check(to.Price.Currency == cur.Plan.Price.Currency && to.Price.Digits == cur.Plan.Price.Digits, "plan_id",
		"is billed in "+to.Price.Currency+", the subscription in "+cur.Plan.Price.Currency)
	if err := v.Err(); err != nil {
		return Change{}, err
	}
	if !policy.Valid() {
		policy = DefaultChangePolicy
	}
	if at.Before(cur.PeriodStart) || !at.Before(cur.PeriodEnd) {
		return Change{}, ports.Invalid("at", "must lie in the current billing period")
	}
	zero := money.Amount{Digits: to.Price.Digits, Currency: to.Price.Currency}
	c := Change{From: cur.Plan, To: to, Upgrade: monthlyRateAbove(to, cur.Plan), Credit: zero, Charge: zero, DueNow: zero,
		ToBalance: zero, PeriodStart: cur.PeriodStart, PeriodEnd: cur.PeriodEnd, NextBillingDate: cur.PeriodEnd}
	c.Effective = policy.Downgrade
	if c.Upgrade {
		c.Effective = policy.Upgrade
	}
	if cur.Trialing {
		c.Effective = EffectiveImmediate
		return c, nil
	}
	if c.Effective == EffectivePeriodEnd {
		return c, nil
	}
	unused := new(big.Rat).SetFrac(big.NewInt(int64(cur.PeriodEnd.Sub(at)/time.Second)),
		big.NewInt(int64(cur.PeriodEnd.Sub(cur.PeriodStart)/time.Second)))
	if cur.Paid.Currency == to.Price.Currency && cur.Paid.Digits == to.Price.Digits {
		c.Credit.Minor = roundHalfAway(new(big.Rat).Mul(unused, new(big.Rat).SetInt64(cur.Paid.Minor)))
	}
	if to.BillingCycle == cur.Plan.BillingCycle {
		c.Charge.Minor = roundHalfAway(new(big.Rat).Mul(unused, new(big.Rat).SetInt64(to.Price.Minor)))
	} else {
		// Another cycle cannot share the current period: a new one starts now, billed whole.
		end, _ := PeriodEnd(at, to.BillingCycle, 1)
		c.Charge.Minor, c.PeriodStart, c.PeriodEnd, c.NextBillingDate = to.Price.Minor, at.UTC(), end, end
	}
	if c.Charge.Minor >= c.Credit.Minor {
		c.DueNow.Minor = c.Charge.Minor - c.Credit.Minor
	} else {
		c.ToBalance.Minor = c.Credit.Minor - c.Charge.Minor
	}
	return c, nil
}

// monthlyRateAbove reports whether a costs more per month than b (cross-multiplied: exact).
func monthlyRateAbove(a, b plan.Plan) bool {
	am, bm := int64(CycleMonths[a.BillingCycle]), int64(CycleMonths[b.BillingCycle])
	if am == 0 || bm == 0 {
		return a.Price.Minor > b.Price.Minor
	}
	return a.Price.Minor*bm > b.Price.Minor*am
}

// roundHalfAway rounds a non-negative fraction to the nearest integer, halves up.
func roundHalfAway(r *big.Rat) int64 {
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if new(big.Int).Mul(m, big.NewInt(2)).Cmp(r.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}
