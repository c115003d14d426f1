package partner

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/analytics"
	"github.com/stvos/stvos/core/member"
	"github.com/stvos/stvos/core/partnerbilling"
	"github.com/stvos/stvos/ports"
)

// DashboardOutput is the overview, as the specification shows it.
type DashboardOutput struct {
	Body surface.Envelope[struct {
		TotalMembers          int `json:"totalMembers"`
		ActiveMembers         int `json:"activeMembers" doc:"Members active in the last 30 days."`
		TotalWatchTimeMinutes int `json:"totalWatchTimeMinutes"`
		TotalClassesWatched   int `json:"totalClassesWatched"`
		Trends                struct {
			MembersChange   string `json:"membersChange" example:"+12%" doc:"Members who joined in the last 30 days against the 30 before."`
			WatchTimeChange string `json:"watchTimeChange" example:"+8%" doc:"Watch time in the last 30 days against the 30 before."`
		} `json:"trends"`
	}]
}

// AnalyticsInput names the period.
type AnalyticsInput struct {
	Period    string `query:"period" enum:"week,month,quarter" doc:"The last 7, 30 or 90 days, today included; wins over dates."`
	StartDate string `query:"startDate" maxLength:"10" doc:"YYYY-MM-DD, with endDate; at most 366 days."`
	EndDate   string `query:"endDate" maxLength:"10" doc:"YYYY-MM-DD, inclusive."`
}

// PopularBody is a category or class with its viewing.
type PopularBody struct {
	ID               string `json:"id" format:"uuid"`
	Name             string `json:"name"`
	Category         string `json:"category,omitempty"`
	Views            int    `json:"views"`
	WatchTimeMinutes int    `json:"watchTimeMinutes"`
}

func popularBodies(ps []analytics.Popular) []PopularBody {
	out := make([]PopularBody, len(ps))
	for i, p := range ps {
		out[i] = PopularBody{ID: p.ID, Name: p.Name, Category: p.Category, Views: p.Views, WatchTimeMinutes: member.Minutes(p.WatchSeconds)}
	}
	return out
}

// AnalyticsOutput is usage over a period.
type AnalyticsOutput struct {
	Body surface.Envelope[struct {
		Period struct {
			StartDate string `json:"startDate" example:"2026-11-02"`
			EndDate   string `json:"endDate" example:"2026-12-01"`
		} `json:"period"`
		WatchTimeByDay []struct {
			Date    string `json:"date"`
			Minutes int    `json:"minutes"`
		} `json:"watchTimeByDay" doc:"Every day of the period, zero where nothing was watched (UTC days)."`
		PopularCategories []PopularBody `json:"popularCategories" doc:"Top 10 by views."`
		PopularClasses    []PopularBody `json:"popularClasses" doc:"Top 10 by views."`
		Totals            struct {
			WatchTimeMinutes int `json:"watchTimeMinutes"`
			ClassesWatched   int `json:"classesWatched"`
			ClassesCompleted int `json:"classesCompleted"`
			ActiveMembers    int `json:"activeMembers"`
			TotalMembers     int `json:"totalMembers"`
		} `json:"totals"`
	}]
}

// BillingInput names the month.
type BillingInput struct {
	Month int `query:"month" minimum:"0" maximum:"12" doc:"1-12; default this month."`
	Year  int `query:"year" minimum:"0" maximum:"3000" doc:"Default this year."`
}

// BillingMemberBody is a billed member.
type BillingMemberBody struct {
	ID               string    `json:"id" format:"uuid"`
	Name             string    `json:"name"`
	Email            string    `json:"email"`
	JoinedAt         time.Time `json:"joinedAt"`
	WatchTimeMinutes int       `json:"watchTimeMinutes" doc:"In the month."`
}

// BillingOutput is a month's report.
type BillingOutput struct {
	Body surface.Envelope[struct {
		Month         int                 `json:"month"`
		Year          int                 `json:"year"`
		PeriodStart   time.Time           `json:"periodStart"`
		PeriodEnd     time.Time           `json:"periodEnd" doc:"Exclusive."`
		ActiveMembers int                 `json:"activeMembers"`
		Members       []BillingMemberBody `json:"members" doc:"The active members, by name (the first 1,000; the export has all)."`
	}]
}

func registerReports(s *surface.Surface, an *analytics.Service, bill *partnerbilling.Service, exports ports.Exports, clock ports.Clock) {
	staff := func(perm string) map[string]any { return surface.Permit(perm, surface.StaffToken) }
	huma.Register(s.API, huma.Operation{
		OperationID: "get-partner-dashboard", Method: http.MethodGet, Path: "/partner/dashboard", Tags: []string{"dashboard"},
		Summary: "Partner dashboard overview", Description: "All-time members, watch time and classes watched; members active in the " +
			"last 30 days; trends of the last 30 days against the 30 before. " + member.ActiveDefinition,
		Metadata: staff("partner:dashboard:read"),
	}, func(ctx context.Context, _ *struct{}) (*DashboardOutput, error) {
		d, err := an.Dashboard(ctx, partnerOf(ctx))
		if err != nil {
			return nil, err
		}
		out := &DashboardOutput{}
		out.Body = surface.OK(out.Body.Data)
		b := &out.Body.Data
		b.TotalMembers, b.ActiveMembers, b.TotalWatchTimeMinutes, b.TotalClassesWatched = d.TotalMembers, d.ActiveMembers,
			member.Minutes(d.WatchSeconds), d.ClassesWatched
		b.Trends.MembersChange, b.Trends.WatchTimeChange = d.MembersChange, d.WatchTimeChange
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-partner-analytics", Method: http.MethodGet, Path: "/partner/analytics", Tags: []string{"analytics"},
		Summary:     "Usage analytics over a period",
		Description: "Watch time by day (every day present), popular categories and classes, totals. " + member.ActiveDefinition,
		Metadata:    staff("partner:analytics:read"), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *AnalyticsInput) (*AnalyticsOutput, error) {
		r, err := analytics.RangeOf(in.Period, in.StartDate, in.EndDate, clock.Now())
		if err != nil {
			return nil, err
		}
		rep, err := an.Usage(ctx, partnerOf(ctx), r)
		if err != nil {
			return nil, err
		}
		out := &AnalyticsOutput{}
		out.Body = surface.OK(out.Body.Data)
		b := &out.Body.Data
		b.Period.StartDate, b.Period.EndDate = r.Start.Format(time.DateOnly), r.End.Format(time.DateOnly)
		b.WatchTimeByDay = make([]struct {
			Date    string `json:"date"`
			Minutes int    `json:"minutes"`
		}, len(rep.ByDay))
		for i, d := range rep.ByDay {
			b.WatchTimeByDay[i].Date, b.WatchTimeByDay[i].Minutes = d.Date.Format(time.DateOnly), member.Minutes(d.WatchSeconds)
		}
		b.PopularCategories, b.PopularClasses = popularBodies(rep.PopularCategories), popularBodies(rep.PopularClasses)
		t := rep.Totals
		b.Totals.WatchTimeMinutes, b.Totals.ClassesWatched, b.Totals.ClassesCompleted = member.Minutes(t.WatchSeconds), t.ClassesWatched, t.ClassesCompleted
		b.Totals.ActiveMembers, b.Totals.TotalMembers = t.ActiveMembers, t.Members
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-partner-billing", Method: http.MethodGet, Path: "/partner/billing", Tags: []string{"billing"},
		Summary:     "Billing report of a month",
		Description: "The members active in the calendar month (UTC) and their count, which the partner is billed by. " + member.ActiveDefinition,
		Metadata:    staff("partner:billing:read"), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *BillingInput) (*BillingOutput, error) {
		m, err := bill.MonthOf(in.Month, in.Year)
		if err != nil {
			return nil, err
		}
		rep, err := bill.Report(ctx, partnerOf(ctx), m)
		if err != nil {
			return nil, err
		}
		out := &BillingOutput{}
		out.Body = surface.OK(out.Body.Data)
		b := &out.Body.Data
		b.Month, b.Year, b.PeriodStart, b.PeriodEnd, b.ActiveMembers = m.Month, m.Year, rep.From, rep.To, rep.ActiveMembers
		b.Members = make([]BillingMemberBody, len(rep.Members))
		for i, mb := range rep.Members {
			b.Members[i] = BillingMemberBody{ID: mb.UserID, Name: mb.Name, Email: mb.Email, JoinedAt: mb.JoinedAt, WatchTimeMinutes: member.Minutes(mb.PeriodSeconds)}
		}
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "export-partner-billing", Method: http.MethodGet, Path: "/partner/billing/export", Tags: []string{"billing"},
		Summary:     "Export a month's billing report as CSV",
		Description: "RFC 4180 CSV streamed row by row: month, memberId, name, email, joinedAt, watchTimeMinutes. " + member.ActiveDefinition,
		Metadata:    staff("partner:billing:read"), Errors: []int{http.StatusUnprocessableEntity},
		Responses: surface.FileResponse(exports.ContentType(), "The month's active members, as a file."),
	}, func(ctx context.Context, in *BillingInput) (*huma.StreamResponse, error) {
		m, err := bill.MonthOf(in.Month, in.Year)
		if err != nil {
			return nil, err
		}
		p := partnerOf(ctx)
		name := "billing-" + time.Date(m.Year, time.Month(m.Month), 1, 0, 0, 0, 0, time.UTC).Format("2006-01") + "." + exports.Extension()
		return s.Download(name, exports.ContentType(), func(ctx context.Context, w io.Writer) error {
			return bill.Export(ctx, p, m, exports.Writer(w))
		}), nil
	})
}
