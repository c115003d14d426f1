package coupon

import (
	"slices"
	"time"

	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/core/plan"
)

// Why a coupon does not apply: the error codes of coupon validation, as the API shows them.
const (
	ReasonNotFound          = "not_found"
	ReasonDisabled          = "disabled"
	ReasonNotYetValid       = "not_yet_valid"
	ReasonExpired           = "expired"
	ReasonExhausted         = "exhausted"
	ReasonAlreadyRedeemed   = "already_redeemed"
	ReasonPlanNotApplicable = "plan_not_applicable"
	ReasonCurrencyMismatch  = "currency_mismatch"
)

// Reasons lists every reason, in the order Apply checks them.
var Reasons = []string{ReasonNotFound, ReasonDisabled, ReasonNotYetValid, ReasonExpired, ReasonExhausted,
	ReasonAlreadyRedeemed, ReasonPlanNotApplicable, ReasonCurrencyMismatch}

// Discount is what a coupon takes off one billing cycle of a plan.
type Discount struct {
	// Amount is taken off the plan's price, in the plan's currency: never more than the price.
	Amount money.Amount
	// Due is the price after the discount, never below 0.
	Due money.Amount
	// TrialDays are free days the coupon grants (free_trial_days coupons), else 0.
	TrialDays int
}

// Apply answers the discount the coupon gives on the plan for a user who has redeemed it
// userRedemptions times, at now; or, when it does not apply, the reason (one of the Reason
// constants) and a zero discount. It is the one rule both validation and redemption use.
// Percentages round half up to the currency's minor unit; a fixed amount applies only to plans
// priced in its currency and never takes the price below 0.
func Apply(c Coupon, p plan.Plan, userRedemptions int, now time.Time) (Discount, string) {
	switch {
	case c.Disabled:
		return Discount{}, ReasonDisabled
	case now.Before(c.ValidFrom):
		return Discount{}, ReasonNotYetValid
	case c.ValidUntil != nil && !now.Before(*c.ValidUntil):
		return Discount{}, ReasonExpired
	case c.MaxRedemptions != nil && c.RedemptionCount >= *c.MaxRedemptions:
		return Discount{}, ReasonExhausted
	case userRedemptions >= c.MaxRedemptionsPerUser:
		return Discount{}, ReasonAlreadyRedeemed
	case len(c.PlanIDs) > 0 && !slices.Contains(c.PlanIDs, p.ID):
		return Discount{}, ReasonPlanNotApplicable
	case c.Type == TypeFixedAmount && c.Value.Currency != p.Price.Currency:
		return Discount{}, ReasonCurrencyMismatch
	}
	price := p.Price
	d := Discount{Amount: Off(c, price)}
	if c.Type == TypeFreeTrialDays {
		d.TrialDays = int(c.Value.Minor)
	}
	d.Due = money.Amount{Minor: price.Minor - d.Amount.Minor, Digits: price.Digits, Currency: price.Currency}
	return d, ""
}

// Off is what the coupon takes off a price, in the price's currency: never more than the price,
// zero for free trial days (and for a fixed amount in another currency). Percentages round half
// up to the currency's minor unit. It is the amount Apply answers, and what a discount left for a
// later invoice takes off that invoice's price.
func Off(c Coupon, price money.Amount) money.Amount {
	off := money.Amount{Digits: price.Digits, Currency: price.Currency}
	switch c.Type {
	case TypePercent:
		// price < 10^14 and Value.Minor <= 10^4: the product stays far below 2^63.
		off.Minor = (price.Minor*c.Value.Minor + 5000) / 10000
	case TypeFixedAmount:
		if c.Value.Currency == price.Currency {
			off.Minor = rescale(c.Value.Minor, c.Value.Digits, price.Digits)
		}
	}
	off.Minor = min(off.Minor, price.Minor)
	return off
}

// rescale writes minor units of a currency read with digits "from" in units of digits "to",
// for the rare currency whose minor unit changed between the coupon and the plan: more digits
// multiply exactly; fewer round half up.
func rescale(minor int64, from, to int) int64 {
	for ; from < to; from++ {
		minor *= 10
	}
	for ; from > to; from-- {
		minor = (minor + 5) / 10
	}
	return minor
}
