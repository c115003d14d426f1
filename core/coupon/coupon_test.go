package coupon

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/core/plan"
	"github.com/stvos/stvos/ports"
)

var currencies = money.Table{"USD": 2, "JPY": 0, "EUR": 2, "BHD": 3}

func TestApply(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	priced := func(minor int64, digits int, cur string) plan.Plan {
		return plan.Plan{ID: "p1", Price: money.Amount{Minor: minor, Digits: digits, Currency: cur}, IsActive: true}
	}
	base := Coupon{Type: TypePercent, Value: money.Amount{Minor: 2000, Digits: 2}, PlanIDs: []string{}, MaxRedemptionsPerUser: 1,
		ValidFrom: now.Add(-time.Hour)}
	with := func(f func(c *Coupon)) Coupon {
		c := base
		f(&c)
		return c
	}
	cases := []struct {
		name        string
		c           Coupon
		p           plan.Plan
		used        int
		off, due    int64
		trial       int
		wantRefusal string
	}{
		{name: "20% of 9.99 is 2.00 (1.998 half up)", c: base, p: priced(999, 2, "USD"), off: 200, due: 799},
		{name: "12.5% of 0.04 rounds half up to 0.01 (0.005)", c: with(func(c *Coupon) { c.Value.Minor = 1250 }),
			p: priced(4, 2, "USD"), off: 1, due: 3},
		{name: "33.33% of 1000 JPY is 333", c: with(func(c *Coupon) { c.Value.Minor = 3333 }), p: priced(1000, 0, "JPY"), off: 333, due: 667},
		{name: "100% leaves 0", c: with(func(c *Coupon) { c.Value.Minor = 10000 }), p: priced(999, 2, "USD"), off: 999, due: 0},
		{name: "percent of a free plan is 0", c: base, p: priced(0, 2, "USD"), off: 0, due: 0},
		{name: "fixed 5.00 off 9.99", c: with(func(c *Coupon) {
			c.Type, c.Value = TypeFixedAmount, money.Amount{Minor: 500, Digits: 2, Currency: "USD"}
		}), p: priced(999, 2, "USD"), off: 500, due: 499},
		{name: "fixed never below 0", c: with(func(c *Coupon) {
			c.Type, c.Value = TypeFixedAmount, money.Amount{Minor: 5000, Digits: 2, Currency: "USD"}
		}), p: priced(999, 2, "USD"), off: 999, due: 0},
		{name: "fixed in another currency", c: with(func(c *Coupon) {
			c.Type, c.Value = TypeFixedAmount, money.Amount{Minor: 500, Digits: 2, Currency: "EUR"}
		}), p: priced(999, 2, "USD"), wantRefusal: ReasonCurrencyMismatch},
		{name: "free trial days", c: with(func(c *Coupon) { c.Type, c.Value = TypeFreeTrialDays, money.Amount{Minor: 30} }),
			p: priced(999, 2, "USD"), off: 0, due: 999, trial: 30},
		{name: "disabled", c: with(func(c *Coupon) { c.Disabled = true }), p: priced(999, 2, "USD"), wantRefusal: ReasonDisabled},
		{name: "not yet valid", c: with(func(c *Coupon) { c.ValidFrom = now.Add(time.Second) }), p: priced(999, 2, "USD"),
			wantRefusal: ReasonNotYetValid},
		{name: "valid from now on", c: with(func(c *Coupon) { c.ValidFrom = now }), p: priced(999, 2, "USD"), off: 200, due: 799},
		{name: "expired at valid_until", c: with(func(c *Coupon) { u := now; c.ValidUntil = &u }), p: priced(999, 2, "USD"),
			wantRefusal: ReasonExpired},
		{name: "exhausted", c: with(func(c *Coupon) { n := 5; c.MaxRedemptions, c.RedemptionCount = &n, 5 }),
			p: priced(999, 2, "USD"), wantRefusal: ReasonExhausted},
		{name: "the user's redemptions used up", c: base, used: 1, p: priced(999, 2, "USD"), wantRefusal: ReasonAlreadyRedeemed},
		{name: "another plan", c: with(func(c *Coupon) { c.PlanIDs = []string{"p2"} }), p: priced(999, 2, "USD"),
			wantRefusal: ReasonPlanNotApplicable},
		{name: "one of its plans", c: with(func(c *Coupon) { c.PlanIDs = []string{"p2", "p1"} }), p: priced(999, 2, "USD"), off: 200, due: 799},
	}
	for _, c := range cases {
		d, reason := Apply(c.c, c.p, c.used, now)
		require.Equal(t, c.wantRefusal, reason, c.name)
		if reason != "" {
			require.Equal(t, Discount{}, d, c.name)
			continue
		}
		require.Equal(t, money.Amount{Minor: c.off, Digits: c.p.Price.Digits, Currency: c.p.Price.Currency}, d.Amount, c.name)
		require.Equal(t, money.Amount{Minor: c.due, Digits: c.p.Price.Digits, Currency: c.p.Price.Currency}, d.Due, c.name)
		require.Equal(t, c.trial, d.TrialDays, c.name)
	}
}

func TestInput(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	valid := Input{Code: "SPRING-25", Type: TypePercent, Value: "12.5", MaxRedemptionsPerUser: 1, ValidFrom: from, Status: StatusActive}
	c, err := valid.coupon(currencies)
	require.NoError(t, err)
	require.Equal(t, money.Amount{Minor: 1250, Digits: 2}, c.Value)
	require.Equal(t, "12.5", c.DiscountValue())
	require.Equal(t, []string{}, c.PlanIDs)

	fixed := valid
	fixed.Type, fixed.Value, fixed.Currency = TypeFixedAmount, "5", "usd"
	c, err = fixed.coupon(currencies)
	require.NoError(t, err)
	require.Equal(t, money.Amount{Minor: 500, Digits: 2, Currency: "USD"}, c.Value)
	require.Equal(t, "5.00", c.DiscountValue())

	trial := valid
	trial.Type, trial.Value = TypeFreeTrialDays, "30"
	c, err = trial.coupon(currencies)
	require.NoError(t, err)
	require.Equal(t, "30", c.DiscountValue())

	refused := map[string]func(in *Input){
		"code":                     func(in *Input) { in.Code = "spring" },
		"discount_type":            func(in *Input) { in.Type = "bogo" },
		"discount_value":           func(in *Input) { in.Value = "100.5" },
		"currency":                 func(in *Input) { in.Currency = "USD" },
		"status":                   func(in *Input) { in.Status = StatusExpired },
		"valid_until":              func(in *Input) { in.ValidUntil = &from },
		"max_redemptions":          func(in *Input) { n := 0; in.MaxRedemptions = &n },
		"max_redemptions_per_user": func(in *Input) { in.MaxRedemptionsPerUser = 0 },
		"applicable_plan_ids":      func(in *Input) { in.PlanIDs = []string{"not-a-uuid"} },
		"description":              func(in *Input) { in.Description = string(make([]byte, 501)) },
	}
	for field, change := range refused {
		in := valid
		change(&in)
		_, err := in.coupon(currencies)
		e := ports.AsError(err)
		require.NotNil(t, e, field)
		require.Equal(t, field, e.Fields[0].Field)
	}
	for _, bad := range []Input{
		{Code: "X", Type: TypeFixedAmount, Value: "5", MaxRedemptionsPerUser: 1, ValidFrom: from, Status: StatusActive},
		{Code: "X", Type: TypeFixedAmount, Value: "5.001", Currency: "USD", MaxRedemptionsPerUser: 1, ValidFrom: from, Status: StatusActive},
		{Code: "X", Type: TypeFixedAmount, Value: "0", Currency: "USD", MaxRedemptionsPerUser: 1, ValidFrom: from, Status: StatusActive},
		{Code: "X", Type: TypePercent, Value: "0.5", MaxRedemptionsPerUser: 1, ValidFrom: from, Status: StatusActive},
		{Code: "X", Type: TypeFreeTrialDays, Value: "1.5", MaxRedemptionsPerUser: 1, ValidFrom: from, Status: StatusActive},
	} {
		_, err := bad.coupon(currencies)
		require.ErrorIs(t, err, ports.ErrInvalid, "%+v", bad)
	}
}

func TestPatch(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	c := Coupon{Code: "X", ValidFrom: from, RedemptionCount: 4}
	disabled, three, seven, before := StatusDisabled, 3, 7, from.Add(-time.Hour)
	got, err := Patch{Status: &disabled, MaxRedemptions: &seven}.apply(c)
	require.NoError(t, err)
	require.True(t, got.Disabled)
	require.Equal(t, 7, *got.MaxRedemptions)
	require.Equal(t, []string{"status", "max_redemptions"}, changed(c, got))
	_, err = Patch{MaxRedemptions: &three}.apply(c)
	require.ErrorIs(t, err, ports.ErrInvalid, "below the redemptions so far")
	_, err = Patch{ValidUntil: &before}.apply(c)
	require.ErrorIs(t, err, ports.ErrInvalid)
	require.Empty(t, changed(c, c))
}
