package partner

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/member"
	"github.com/stvos/stvos/ports"
)

// MemberBody is a member as the portal lists them.
type MemberBody struct {
	ID                    string     `json:"id" format:"uuid"`
	Name                  string     `json:"name"`
	Email                 string     `json:"email"`
	Status                string     `json:"status" enum:"active,inactive" doc:"Active: watched at least one minute of classes in the last 30 days."`
	AccountStatus         string     `json:"accountStatus" enum:"active,suspended"`
	JoinedAt              time.Time  `json:"joinedAt"`
	VoucherCode           string     `json:"voucherCode,omitempty"`
	TotalWatchTimeMinutes int        `json:"totalWatchTimeMinutes"`
	ClassesWatched        int        `json:"classesWatched"`
	ClassesCompleted      int        `json:"classesCompleted"`
	LastWatchedAt         *time.Time `json:"lastWatchedAt,omitempty"`
}

func memberBody(m member.Member) MemberBody {
	st := member.StatusInactive
	if m.Active {
		st = member.StatusActive
	}
	return MemberBody{ID: m.UserID, Name: m.Name, Email: m.Email, Status: st, AccountStatus: m.AccountStatus, JoinedAt: m.JoinedAt,
		VoucherCode: m.VoucherCode, TotalWatchTimeMinutes: member.Minutes(m.WatchSeconds), ClassesWatched: m.ClassesWatched,
		ClassesCompleted: m.ClassesCompleted, LastWatchedAt: m.LastWatchedAt}
}

// ListMembersInput filters members.
type ListMembersInput struct {
	Search string `query:"search" maxLength:"100" doc:"Name or email containing this."`
	Status string `query:"status" enum:"active,inactive" doc:"Active: watched at least one minute of classes in the last 30 days."`
	Sort   string `query:"sort" maxLength:"20" doc:"name, email, joinedAt, watchTime or lastWatchedAt; a leading - sorts descending. Default -joinedAt."`
	surface.PageInput
}

// MembersOutput is a page of members.
type MembersOutput struct {
	Body surface.Envelope[struct {
		Members    []MemberBody       `json:"members"`
		Pagination surface.Pagination `json:"pagination"`
	}]
}

// MemberIDInput names a member.
type MemberIDInput struct {
	ID string `path:"id" format:"uuid" doc:"The member's user id."`
}

// ViewingBody is one class a member watched.
type ViewingBody struct {
	ClassID        string    `json:"classId" format:"uuid"`
	ClassTitle     string    `json:"classTitle"`
	Category       string    `json:"category"`
	WatchedAt      time.Time `json:"watchedAt"`
	WatchedMinutes int       `json:"watchedMinutes"`
	Completed      bool      `json:"completed"`
}

// MemberDetailOutput is a member with their viewing.
type MemberDetailOutput struct {
	Body surface.Envelope[struct {
		MemberBody
		ViewingHistory []ViewingBody `json:"viewingHistory" doc:"The latest 50 viewings, newest first."`
	}]
}

// ExportMembersInput filters an export.
type ExportMembersInput struct {
	Search string `query:"search" maxLength:"100"`
	Status string `query:"status" enum:"active,inactive"`
}

func partnerOf(ctx context.Context) member.Partner {
	p := surface.PrincipalFrom(ctx)
	return member.Partner{TenantID: p.TenantID, PartnerID: p.PartnerID}
}

func registerMembers(s *surface.Surface, members *member.Service, exports ports.Exports, clock ports.Clock) {
	staff := func(perm string) map[string]any { return surface.Permit(perm, surface.StaffToken) }
	huma.Register(s.API, huma.Operation{
		OperationID: "list-members", Method: http.MethodGet, Path: "/partner/members", Tags: []string{"members"},
		Summary: "List the partner's members", Description: "People who registered with the partner's codes. " + member.ActiveDefinition,
		Metadata: staff("partner:members:read"), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ListMembersInput) (*MembersOutput, error) {
		page, limit := in.Pages()
		p, err := members.List(ctx, partnerOf(ctx), member.Filter{Search: in.Search, Status: in.Status, Sort: in.Sort}, page, limit)
		if err != nil {
			return nil, err
		}
		out := &MembersOutput{}
		out.Body = surface.OK(out.Body.Data)
		out.Body.Data.Members = make([]MemberBody, len(p.Members))
		for i, m := range p.Members {
			out.Body.Data.Members[i] = memberBody(m)
		}
		out.Body.Data.Pagination = surface.NewPagination(page, limit, p.Total)
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "export-members", Method: http.MethodGet, Path: "/partner/members/export", Tags: []string{"members"},
		Summary: "Export the partner's members as CSV, with activity",
		Description: "RFC 4180 CSV streamed row by row: id, name, email, accountStatus, joinedAt, voucherCode, active, " +
			"watchTimeMinutes, classesWatched, classesCompleted, lastWatchedAt. " + member.ActiveDefinition,
		Metadata: staff("partner:members:read"), Errors: []int{http.StatusUnprocessableEntity},
		Responses: surface.FileResponse(exports.ContentType(), "The members, as a file."),
	}, func(ctx context.Context, in *ExportMembersInput) (*huma.StreamResponse, error) {
		f := member.Filter{Search: in.Search, Status: in.Status, Sort: "name"}
		if err := members.CheckExport(f); err != nil {
			return nil, err
		}
		p := partnerOf(ctx)
		return s.Download("members-"+clock.Now().Format("2006-01-02")+"."+exports.Extension(), exports.ContentType(),
			func(ctx context.Context, w io.Writer) error { return members.Export(ctx, p, f, exports.Writer(w)) }), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-member", Method: http.MethodGet, Path: "/partner/members/{id}", Tags: []string{"members"},
		Summary:     "A member with viewing history and totals",
		Description: "Total watch time, classes watched and completed, and the latest viewings. " + member.ActiveDefinition,
		Metadata:    staff("partner:members:read"), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *MemberIDInput) (*MemberDetailOutput, error) {
		d, err := members.Get(ctx, partnerOf(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		out := &MemberDetailOutput{}
		out.Body = surface.OK(out.Body.Data)
		out.Body.Data.MemberBody = memberBody(d.Member)
		out.Body.Data.ViewingHistory = make([]ViewingBody, len(d.History))
		for i, v := range d.History {
			out.Body.Data.ViewingHistory[i] = ViewingBody{ClassID: v.ClassID, ClassTitle: v.ClassTitle, Category: v.CategoryName,
				WatchedAt: v.StartedAt, WatchedMinutes: member.Minutes(v.WatchedSeconds), Completed: v.Completed}
		}
		return out, nil
	})
}
