// Package subscription is a subscriber's subscription to one of the client's plans: its billing
// periods, its status, and what changing plan costs. This file and proration.go hold the rules
// that need no storage: when a period ends, and what a change of plan charges or credits.
package subscription

import (
	"time"

	"github.com/stvos/stvos/core/plan"
)

// CycleMonths is how many calendar months each billing cycle lasts.
var CycleMonths = map[string]int{
	plan.CycleMonthly: 1, plan.CycleQuarterly: 3, plan.CycleSemiAnnual: 6, plan.CycleAnnual: 12,
}

// PeriodEnd answers when the n-th billing period after anchor ends (n = 1: the first period's
// end), for a plan billed every cycle. Periods are counted from the anchor, not from the previous
// end, so that a subscription started on the 31st renews on the last day of shorter months and
// returns to the 31st when a month has one (Jan 31 → Feb 28 → Mar 31), as card networks and
// Stripe do. Times keep the anchor's clock time, in UTC. ok is false for an unknown cycle or
// n < 1.
func PeriodEnd(anchor time.Time, cycle string, n int) (time.Time, bool) {
	months, ok := CycleMonths[cycle]
	if !ok || n < 1 {
		return time.Time{}, false
	}
	return addMonths(anchor.UTC(), months*n), true
}

// addMonths adds calendar months to t, clamping the day to the end of the month reached.
func addMonths(t time.Time, months int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(months), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// PeriodAt answers the billing period [start, end) after anchor that contains at, and its number
// (1 for the first). at before anchor is in no period: ok is false, as for an unknown cycle.
func PeriodAt(anchor time.Time, cycle string, at time.Time) (start, end time.Time, n int, ok bool) {
	months, known := CycleMonths[cycle]
	if !known || at.Before(anchor) {
		return time.Time{}, time.Time{}, 0, false
	}
	anchor = anchor.UTC()
	// A first guess from the months between them, then a step or two to the exact period.
	y1, m1, _ := anchor.Date()
	y2, m2, _ := at.UTC().Date()
	n = max(1, ((y2-y1)*12+int(m2-m1))/months)
	for n > 1 && addMonths(anchor, months*(n-1)).After(at) { // period n starts after at
		n--
	}
	for !addMonths(anchor, months*n).After(at) { // period n ends at or before at
		n++
	}
	start = anchor
	if n > 1 {
		start = addMonths(anchor, months*(n-1))
	}
	return start, addMonths(anchor, months*n), n, true
}
