// Package partnerbilling is the monthly report a partner is billed by: the members active in a
// calendar month (core/member's rule, the same the dashboard and members list use) and who they
// are, exportable as CSV.
package partnerbilling

import (
	"context"
	"strconv"
	"time"

	"github.com/stvos/stvos/core/member"
	"github.com/stvos/stvos/ports"
)

// Service holds the billing use cases.
type Service struct {
	uow   ports.UnitOfWork
	store member.Store
	clock ports.Clock
}

// NewService returns billing.
func NewService(uow ports.UnitOfWork, store member.Store, clock ports.Clock) *Service {
	return &Service{uow: uow, store: store, clock: clock}
}

// Month is a calendar month in UTC.
type Month struct{ Year, Month int }

// MonthOf validates a month (1-12) and year (2000 to next year); zero values mean the current
// month.
func (s *Service) MonthOf(month, year int) (Month, error) {
	now := s.clock.Now().UTC()
	if month == 0 {
		month = int(now.Month())
	}
	if year == 0 {
		year = now.Year()
	}
	var v ports.Validation
	v.Check(month >= 1 && month <= 12, "month", "must be 1 to 12")
	v.Check(year >= 2000 && year <= now.Year()+1, "year", "must be from 2000 to next year")
	return Month{Year: year, Month: month}, v.Err()
}

func (m Month) bounds() (time.Time, time.Time) {
	from := time.Date(m.Year, time.Month(m.Month), 1, 0, 0, 0, 0, time.UTC)
	return from, from.AddDate(0, 1, 0)
}

// MaxListed bounds the members a report answers inline; the export has them all.
const MaxListed = 1000

// Report is a month's billing.
type Report struct {
	Month         Month
	From, To      time.Time
	ActiveMembers int
	// Members are the active members (the first MaxListed, by name).
	Members []member.Member
}

var active = member.Filter{Status: member.StatusActive, Sort: "name"}

// Report returns the month's active members of the partner.
func (s *Service) Report(ctx context.Context, p member.Partner, m Month) (Report, error) {
	from, to := m.bounds()
	r := Report{Month: m, From: from, To: to}
	err := s.uow.Read(ctx, ports.TenantScope(p.TenantID), func(ctx context.Context) (err error) {
		r.Members, r.ActiveMembers, err = s.store.Members(ctx, p.PartnerID, active, member.ActiveIn(from, to), 0, MaxListed)
		return err
	})
	return r, err
}

// ExportHeader is the header row of a billing export.
var ExportHeader = []string{"month", "memberId", "name", "email", "joinedAt", "watchTimeMinutes"}

// Export writes the month's active members to the table.
func (s *Service) Export(ctx context.Context, p member.Partner, m Month, t ports.TableWriter) error {
	from, to := m.bounds()
	if err := t.Row(ExportHeader...); err != nil {
		return err
	}
	label := from.Format("2006-01")
	err := s.uow.Read(ctx, ports.TenantScope(p.TenantID), func(ctx context.Context) error {
		return s.store.EachMember(ctx, p.PartnerID, active, member.ActiveIn(from, to), func(mb member.Member) error {
			return t.Row(label, mb.UserID, mb.Name, mb.Email, mb.JoinedAt.Format(time.RFC3339), strconv.Itoa(member.Minutes(mb.PeriodSeconds)))
		})
	})
	if err != nil {
		return err
	}
	return t.Flush()
}
