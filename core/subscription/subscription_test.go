package subscription

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/core/plan"
	"github.com/stvos/stvos/ports"
)

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestPeriodsFollowTheAnchorDay(t *testing.T) {
	t.Parallel()
	jan31 := day("2026-01-31T10:00:00Z")
	for _, c := range []struct {
		cycle string
		n     int
		want  string
	}{
		{plan.CycleMonthly, 1, "2026-02-28T10:00:00Z"},
		{plan.CycleMonthly, 2, "2026-03-31T10:00:00Z"},
		{plan.CycleMonthly, 3, "2026-04-30T10:00:00Z"},
		{plan.CycleMonthly, 13, "2027-02-28T10:00:00Z"},
		{plan.CycleMonthly, 25, "2028-02-29T10:00:00Z"}, // a leap year
		{plan.CycleQuarterly, 1, "2026-04-30T10:00:00Z"},
		{plan.CycleSemiAnnual, 1, "2026-07-31T10:00:00Z"},
		{plan.CycleAnnual, 1, "2027-01-31T10:00:00Z"},
	} {
		got, ok := PeriodEnd(jan31, c.cycle, c.n)
		require.True(t, ok)
		require.Equal(t, day(c.want), got, "%s × %d", c.cycle, c.n)
	}
	_, ok := PeriodEnd(jan31, "weekly", 1)
	require.False(t, ok)
	_, ok = PeriodEnd(jan31, plan.CycleMonthly, 0)
	require.False(t, ok)
}

func TestPeriodAtFindsTheContainingPeriod(t *testing.T) {
	t.Parallel()
	anchor := day("2026-01-31T10:00:00Z")
	for _, c := range []struct {
		at, start, end string
		n              int
	}{
		{"2026-01-31T10:00:00Z", "2026-01-31T10:00:00Z", "2026-02-28T10:00:00Z", 1}, // the anchor itself
		{"2026-02-28T09:59:59Z", "2026-01-31T10:00:00Z", "2026-02-28T10:00:00Z", 1},
		{"2026-02-28T10:00:00Z", "2026-02-28T10:00:00Z", "2026-03-31T10:00:00Z", 2}, // an end starts the next
		{"2026-12-31T23:00:00Z", "2026-12-31T10:00:00Z", "2027-01-31T10:00:00Z", 12},
	} {
		start, end, n, ok := PeriodAt(anchor, plan.CycleMonthly, day(c.at))
		require.True(t, ok, c.at)
		require.Equal(t, []any{day(c.start), day(c.end), c.n}, []any{start, end, n}, c.at)
	}
	// Every hour of two years lands in exactly the period whose bounds hold it.
	for at := anchor; at.Before(anchor.AddDate(2, 0, 0)); at = at.Add(7 * time.Hour) {
		start, end, n, ok := PeriodAt(anchor, plan.CycleQuarterly, at)
		require.True(t, ok)
		require.False(t, at.Before(start))
		require.True(t, at.Before(end))
		wantEnd, _ := PeriodEnd(anchor, plan.CycleQuarterly, n)
		require.Equal(t, wantEnd, end)
	}
	_, _, _, ok := PeriodAt(anchor, plan.CycleMonthly, anchor.Add(-time.Second))
	require.False(t, ok)
}

func usd(minor int64) money.Amount { return money.Amount{Minor: minor, Digits: 2, Currency: "USD"} }

func planOf(id string, minor int64, cycle string) plan.Plan {
	return plan.Plan{ID: id, Price: usd(minor), IsActive: true, Terms: plan.Terms{BillingCycle: cycle}}
}

// current is a monthly Basic plan at 9.99 paid in full for April 2026 (30 days).
func current() Current {
	return Current{Plan: planOf("basic", 999, plan.CycleMonthly), Paid: usd(999),
		PeriodStart: day("2026-04-01T00:00:00Z"), PeriodEnd: day("2026-05-01T00:00:00Z")}
}

func TestAnUpgradeCreditsTheUnusedPartAndChargesTheRest(t *testing.T) {
	t.Parallel()
	premium := planOf("premium", 1999, plan.CycleMonthly)
	// Ten of thirty days left: credit 9.99/3 = 3.33, charge 19.99/3 = 6.663… → 6.66, due 3.33.
	c, err := PlanChange(current(), premium, DefaultChangePolicy, day("2026-04-21T00:00:00Z"))
	require.NoError(t, err)
	require.True(t, c.Upgrade)
	require.Equal(t, EffectiveImmediate, c.Effective)
	require.Equal(t, []money.Amount{usd(333), usd(666), usd(333), usd(0)}, []money.Amount{c.Credit, c.Charge, c.DueNow, c.ToBalance})
	require.Equal(t, day("2026-05-01T00:00:00Z"), c.NextBillingDate)
	require.Equal(t, current().PeriodStart, c.PeriodStart)

	// Halves round away from zero: 15 of 30 days of 9.99 is 4.995 → 5.00.
	c, err = PlanChange(current(), premium, DefaultChangePolicy, day("2026-04-16T00:00:00Z"))
	require.NoError(t, err)
	require.Equal(t, usd(500), c.Credit)
	require.Equal(t, usd(1000), c.Charge) // 9.995 → 10.00
	require.Equal(t, usd(500), c.DueNow)
}

func TestADowngradeWaitsForTheRenewalByDefault(t *testing.T) {
	t.Parallel()
	mobile := planOf("mobile", 499, plan.CycleMonthly)
	c, err := PlanChange(current(), mobile, DefaultChangePolicy, day("2026-04-10T12:00:00Z"))
	require.NoError(t, err)
	require.False(t, c.Upgrade)
	require.Equal(t, EffectivePeriodEnd, c.Effective)
	require.Equal(t, []money.Amount{usd(0), usd(0), usd(0), usd(0)}, []money.Amount{c.Credit, c.Charge, c.DueNow, c.ToBalance})
	require.Equal(t, day("2026-05-01T00:00:00Z"), c.NextBillingDate)

	// A client that downgrades at once: the credit beyond the new charge goes to the balance.
	c, err = PlanChange(current(), mobile, ChangePolicy{Upgrade: EffectiveImmediate, Downgrade: EffectiveImmediate},
		day("2026-04-16T00:00:00Z"))
	require.NoError(t, err)
	require.Equal(t, EffectiveImmediate, c.Effective)
	require.Equal(t, []money.Amount{usd(500), usd(250), usd(0), usd(250)}, []money.Amount{c.Credit, c.Charge, c.DueNow, c.ToBalance})
}

func TestAnotherCycleStartsANewPeriodNow(t *testing.T) {
	t.Parallel()
	annual := planOf("annual", 9999, plan.CycleAnnual) // 8.33 a month: a downgrade by rate
	monthlyPremium := current()
	monthlyPremium.Plan, monthlyPremium.Paid = planOf("premium", 1999, plan.CycleMonthly), usd(1999)
	at := day("2026-04-21T00:00:00Z")
	c, err := PlanChange(monthlyPremium, annual, ChangePolicy{Upgrade: EffectiveImmediate, Downgrade: EffectiveImmediate}, at)
	require.NoError(t, err)
	require.False(t, c.Upgrade)
	require.Equal(t, usd(666), c.Credit) // 19.99 / 3
	require.Equal(t, usd(9999), c.Charge)
	require.Equal(t, usd(9333), c.DueNow)
	require.Equal(t, at, c.PeriodStart)
	require.Equal(t, day("2027-04-21T00:00:00Z"), c.PeriodEnd)
	require.Equal(t, c.PeriodEnd, c.NextBillingDate)
}

func TestATrialChangesPlanWithoutMovingMoney(t *testing.T) {
	t.Parallel()
	cur := current()
	cur.Trialing, cur.Paid = true, money.Amount{}
	c, err := PlanChange(cur, planOf("mobile", 499, plan.CycleMonthly), DefaultChangePolicy, day("2026-04-10T00:00:00Z"))
	require.NoError(t, err)
	require.Equal(t, EffectiveImmediate, c.Effective)
	require.Zero(t, c.DueNow.Minor+c.Credit.Minor+c.Charge.Minor+c.ToBalance.Minor)
}

func TestAChangeThatCannotBeMadeNamesTheField(t *testing.T) {
	t.Parallel()
	eur := planOf("euro", 999, plan.CycleMonthly)
	eur.Price.Currency = "EUR"
	inactive := planOf("old", 1999, plan.CycleMonthly)
	inactive.IsActive = false
	for _, to := range []plan.Plan{current().Plan, eur, inactive} {
		_, err := PlanChange(current(), to, DefaultChangePolicy, day("2026-04-10T00:00:00Z"))
		require.Error(t, err, to.ID)
		require.Equal(t, ports.ErrInvalid, ports.AsError(err).Kind)
		require.Equal(t, "plan_id", ports.AsError(err).Fields[0].Field)
	}
	_, err := PlanChange(current(), planOf("premium", 1999, plan.CycleMonthly), DefaultChangePolicy, day("2026-05-01T00:00:00Z"))
	require.Error(t, err, "the period's end belongs to the next period")
}

// Credit and charge never exceed what they are parts of, whenever the change is made.
func TestProrationStaysWithinTheAmounts(t *testing.T) {
	t.Parallel()
	cur := current()
	premium := planOf("premium", 1999, plan.CycleMonthly)
	for at := cur.PeriodStart; at.Before(cur.PeriodEnd); at = at.Add(97 * time.Minute) {
		c, err := PlanChange(cur, premium, DefaultChangePolicy, at)
		require.NoError(t, err)
		require.True(t, c.Credit.Minor >= 0 && c.Credit.Minor <= cur.Paid.Minor)
		require.True(t, c.Charge.Minor >= 0 && c.Charge.Minor <= premium.Price.Minor)
		require.Equal(t, c.Charge.Minor-c.Credit.Minor, c.DueNow.Minor-c.ToBalance.Minor)
	}
}
