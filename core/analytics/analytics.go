// Package analytics is what a partner's portal shows of its members' viewing: the dashboard's
// totals and trends, and usage over a period (watch time by day, popular categories and
// classes, totals). Active members are counted by core/member's rule.
package analytics

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/stvos/stvos/core/member"
	"github.com/stvos/stvos/ports"
)

// Totals are a partner's figures over a period.
type Totals struct {
	Members          int // joined before the period ended
	ActiveMembers    int
	WatchSeconds     int
	ClassesWatched   int // playback sessions started in the period
	ClassesCompleted int
}

// Popular is a category or class with its viewing in a period.
type Popular struct {
	ID           string
	Name         string
	Category     string
	Views        int
	WatchSeconds int
}

// Day is one day's watch time.
type Day struct {
	Date         time.Time
	WatchSeconds int
}

// Store reads viewing of a partner's members, in the tenant's unit of work. Periods are
// [From, To).
type Store interface {
	Totals(ctx context.Context, partnerID string, a member.Activity) (Totals, error)
	// Viewing is Totals over [from, to) without ActiveMembers, which costs the most to count.
	Viewing(ctx context.Context, partnerID string, from, to time.Time) (Totals, error)
	JoinedBetween(ctx context.Context, partnerID string, from, to time.Time) (int, error)
	// WatchByDay returns the days (UTC) with viewing, in order.
	WatchByDay(ctx context.Context, partnerID string, from, to time.Time) ([]Day, error)
	PopularCategories(ctx context.Context, partnerID string, from, to time.Time, limit int) ([]Popular, error)
	PopularClasses(ctx context.Context, partnerID string, from, to time.Time, limit int) ([]Popular, error)
}

// Service holds the analytics use cases.
type Service struct {
	uow   ports.UnitOfWork
	store Store
	clock ports.Clock
}

// NewService returns analytics.
func NewService(uow ports.UnitOfWork, store Store, clock ports.Clock) *Service {
	return &Service{uow: uow, store: store, clock: clock}
}

// Dashboard is the partner portal's overview.
type Dashboard struct {
	TotalMembers     int
	ActiveMembers    int
	WatchSeconds     int
	ClassesWatched   int
	MembersChange    string
	WatchTimeChange  string
	PeriodStart, End time.Time
}

// Dashboard sums up the partner: all-time members, watch time and classes watched; members
// active in the last 30 days; and trends of the last 30 days against the 30 before (new members
// joined, watch time).
func (s *Service) Dashboard(ctx context.Context, p member.Partner) (Dashboard, error) {
	now := s.clock.Now()
	cur := member.ActiveNow(now)
	prev := cur.ActiveBefore()
	var d Dashboard
	err := s.uow.Read(ctx, ports.TenantScope(p.TenantID), func(ctx context.Context) error {
		// Who was active is asked only of the last 30 days: all time and the 30 days before show
		// viewing only.
		all, err := s.store.Viewing(ctx, p.PartnerID, time.Time{}, cur.To)
		if err != nil {
			return err
		}
		last, err := s.store.Totals(ctx, p.PartnerID, cur)
		if err != nil {
			return err
		}
		before, err := s.store.Viewing(ctx, p.PartnerID, prev.From, prev.To)
		if err != nil {
			return err
		}
		joinedNow, err := s.store.JoinedBetween(ctx, p.PartnerID, cur.From, cur.To)
		if err != nil {
			return err
		}
		joinedBefore, err := s.store.JoinedBetween(ctx, p.PartnerID, prev.From, prev.To)
		if err != nil {
			return err
		}
		d = Dashboard{TotalMembers: all.Members, ActiveMembers: last.ActiveMembers, WatchSeconds: all.WatchSeconds,
			ClassesWatched: all.ClassesWatched, MembersChange: Change(joinedBefore, joinedNow),
			WatchTimeChange: Change(before.WatchSeconds, last.WatchSeconds), PeriodStart: cur.From, End: cur.To}
		return nil
	})
	return d, err
}

// Change renders the change from before to now as the portal shows it: "+12%", "-5%", "0%";
// growth from nothing is "+100%".
func Change(before, now int) string {
	if before == 0 {
		if now == 0 {
			return "0%"
		}
		return "+100%"
	}
	pct := int(math.Round(float64(now-before) * 100 / float64(before)))
	if pct > 0 {
		return fmt.Sprintf("+%d%%", pct)
	}
	return fmt.Sprintf("%d%%", pct)
}

// Periods a report may name.
const (
	PeriodWeek    = "week"
	PeriodMonth   = "month"
	PeriodQuarter = "quarter"
)

// MaxDays bounds a custom range.
const MaxDays = 366

// TopN is how many popular categories and classes a report lists.
const TopN = 10

// Range is a report's days, inclusive, in UTC.
type Range struct{ Start, End time.Time }

// RangeOf turns a named period (ending today) or a custom pair of dates (YYYY-MM-DD, inclusive)
// into days; a named period wins; with neither, the last 30 days.
func RangeOf(period, startDate, endDate string, now time.Time) (Range, error) {
	today := now.UTC().Truncate(24 * time.Hour)
	days := map[string]int{PeriodWeek: 7, PeriodMonth: 30, PeriodQuarter: 90}
	if period != "" || (startDate == "" && endDate == "") {
		n, ok := days[period]
		if period == "" {
			n, ok = 30, true
		}
		if !ok {
			return Range{}, ports.Invalid("period", "must be week, month or quarter")
		}
		return Range{Start: today.AddDate(0, 0, -(n - 1)), End: today}, nil
	}
	var v ports.Validation
	start, err1 := time.Parse(time.DateOnly, startDate)
	end, err2 := time.Parse(time.DateOnly, endDate)
	v.Check(err1 == nil, "startDate", "must be a date YYYY-MM-DD")
	v.Check(err2 == nil, "endDate", "must be a date YYYY-MM-DD")
	if err1 == nil && err2 == nil {
		v.Check(!end.Before(start), "endDate", "must not be before startDate")
		v.Check(end.Sub(start) < MaxDays*24*time.Hour, "endDate", "must be within 366 days of startDate")
		v.Check(!start.After(today), "startDate", "must not be in the future")
	}
	if err := v.Err(); err != nil {
		return Range{}, err
	}
	return Range{Start: start, End: end}, nil
}

// Report is usage over a range.
type Report struct {
	Range             Range
	Totals            Totals
	ByDay             []Day
	PopularCategories []Popular
	PopularClasses    []Popular
}

// Usage reports the partner's viewing over the range: every day present (zero-filled).
func (s *Service) Usage(ctx context.Context, p member.Partner, r Range) (Report, error) {
	from, to := r.Start, r.End.AddDate(0, 0, 1)
	rep := Report{Range: r}
	err := s.uow.Read(ctx, ports.TenantScope(p.TenantID), func(ctx context.Context) (err error) {
		if rep.Totals, err = s.store.Totals(ctx, p.PartnerID, member.ActiveIn(from, to)); err != nil {
			return err
		}
		days, err := s.store.WatchByDay(ctx, p.PartnerID, from, to)
		if err != nil {
			return err
		}
		rep.ByDay = fill(days, from, to)
		if rep.PopularCategories, err = s.store.PopularCategories(ctx, p.PartnerID, from, to, TopN); err != nil {
			return err
		}
		rep.PopularClasses, err = s.store.PopularClasses(ctx, p.PartnerID, from, to, TopN)
		return err
	})
	return rep, err
}

// fill puts every day of [from, to) in order, zero where nothing was watched.
func fill(days []Day, from, to time.Time) []Day {
	have := make(map[string]int, len(days))
	for _, d := range days {
		have[d.Date.UTC().Format(time.DateOnly)] = d.WatchSeconds
	}
	var out []Day
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		out = append(out, Day{Date: d, WatchSeconds: have[d.Format(time.DateOnly)]})
	}
	return out
}
