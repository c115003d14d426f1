package subscriber

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/plan"
)

// PlanBody is a plan as the specification shows it.
type PlanBody struct {
	ID                   string          `json:"id" format:"uuid"`
	Name                 string          `json:"name"`
	Description          string          `json:"description"`
	Price                surface.Decimal `json:"price" example:"9.99" doc:"What one billing cycle costs: exact, with the currency's minor digits."`
	Currency             string          `json:"currency" example:"USD" doc:"ISO 4217 currency code."`
	BillingCycle         string          `json:"billing_cycle" enum:"monthly,quarterly,semi_annual,annual"`
	MaxProfiles          int             `json:"max_profiles"`
	MaxConcurrentStreams int             `json:"max_concurrent_streams"`
	MaxDevices           int             `json:"max_devices"`
	MaxQuality           string          `json:"max_quality" enum:"SD,HD,FHD,UHD_4K,UHD_8K"`
	HasDownloads         bool            `json:"has_downloads"`
	AllowDownloadCount   *int            `json:"allow_download_count" nullable:"true" doc:"Simultaneous downloads per profile; null is unlimited."`
	HasAds               bool            `json:"has_ads"`
	HasHDR               bool            `json:"has_hdr"`
	HasDolbyAtmos        bool            `json:"has_dolby_atmos"`
	TrialDays            int             `json:"trial_days"`
	IsActive             bool            `json:"is_active" doc:"False: new subscriptions are blocked; existing ones continue."`
	CreatedAt            time.Time       `json:"created_at"`
	UpdatedAt            time.Time       `json:"updated_at"`
}

func planBody(p plan.Plan) PlanBody {
	return PlanBody{ID: p.ID, Name: p.Name, Description: p.Description, Price: surface.Decimal(p.Price.Decimal()),
		Currency: p.Price.Currency, BillingCycle: p.BillingCycle, MaxProfiles: p.MaxProfiles, MaxConcurrentStreams: p.MaxConcurrentStreams,
		MaxDevices: p.MaxDevices, MaxQuality: p.MaxQuality, HasDownloads: p.HasDownloads, AllowDownloadCount: p.AllowDownloadCount,
		HasAds: p.HasAds, HasHDR: p.HasHDR, HasDolbyAtmos: p.HasDolbyAtmos, TrialDays: p.TrialDays, IsActive: p.IsActive,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

// PlanFields are the fields an admin writes of a plan, on create and on replace alike.
type PlanFields struct {
	Name                 string          `json:"name" minLength:"1" maxLength:"100"`
	Description          string          `json:"description,omitempty" maxLength:"500"`
	Price                surface.Decimal `json:"price" minimum:"0" exclusiveMaximum:"10000000000" example:"9.99" doc:"What one billing cycle costs: a number with at most the currency's minor digits (9.99 USD, 500 JPY), never rounded."`
	Currency             string          `json:"currency" minLength:"3" maxLength:"3" example:"USD" doc:"ISO 4217 currency code."`
	BillingCycle         string          `json:"billing_cycle" enum:"monthly,quarterly,semi_annual,annual"`
	MaxProfiles          int             `json:"max_profiles" minimum:"1" maximum:"6" doc:"Maximum sub-profiles allowed under this plan."`
	MaxConcurrentStreams int             `json:"max_concurrent_streams" minimum:"1" maximum:"8" doc:"Maximum simultaneous streams across all devices."`
	MaxDevices           int             `json:"max_devices" minimum:"1" maximum:"20" doc:"Maximum registered devices allowed."`
	MaxQuality           string          `json:"max_quality" enum:"SD,HD,FHD,UHD_4K,UHD_8K" doc:"Highest supported playback quality."`
	HasDownloads         bool            `json:"has_downloads" doc:"Whether offline downloads are permitted."`
	AllowDownloadCount   *int            `json:"allow_download_count,omitempty" nullable:"true" minimum:"0" maximum:"1000" doc:"Maximum simultaneous downloads per profile. Null or absent: unlimited (if has_downloads is true); only null or 0 without downloads."`
	HasAds               bool            `json:"has_ads" doc:"Whether this plan includes ad breaks."`
	HasHDR               bool            `json:"has_hdr,omitempty" doc:"Whether HDR (HDR10 / Dolby Vision) content is accessible on this plan."`
	HasDolbyAtmos        bool            `json:"has_dolby_atmos,omitempty" doc:"Whether Dolby Atmos spatial audio is accessible on this plan."`
	TrialDays            int             `json:"trial_days,omitempty" minimum:"0" maximum:"3650" default:"0" doc:"Free trial duration in days. 0 = no trial."`
	IsActive             bool            `json:"is_active" doc:"False means new subscriptions are blocked; existing subscriptions continue."`
}

func (f PlanFields) input() plan.Input {
	return plan.Input{Name: f.Name, Description: f.Description, Price: string(f.Price), Currency: f.Currency, IsActive: f.IsActive,
		Terms: plan.Terms{BillingCycle: f.BillingCycle, MaxProfiles: f.MaxProfiles, MaxConcurrentStreams: f.MaxConcurrentStreams,
			MaxDevices: f.MaxDevices, MaxQuality: f.MaxQuality, HasDownloads: f.HasDownloads, AllowDownloadCount: f.AllowDownloadCount,
			HasAds: f.HasAds, HasHDR: f.HasHDR, HasDolbyAtmos: f.HasDolbyAtmos, TrialDays: f.TrialDays}}
}

// CreatePlanInput adds a plan.
type CreatePlanInput struct {
	Body PlanFields
}

// PlanIDInput names a plan.
type PlanIDInput struct {
	PlanID string `path:"plan_id" format:"uuid"`
}

// UpdatePlanInput replaces a plan.
type UpdatePlanInput struct {
	PlanIDInput
	IfMatch string `header:"If-Match" doc:"The ETag last read; refused with 412 if the plan changed since. Recommended on all admin mutations."`
	Body    PlanFields
}

// DeactivatePlanInput deactivates a plan.
type DeactivatePlanInput struct {
	PlanIDInput
	IfMatch string `header:"If-Match" doc:"The ETag last read; refused with 412 if the plan changed since."`
}

// PlanOutput is one plan with its ETag.
type PlanOutput struct {
	ETag string `header:"ETag"`
	Body PlanBody
}

func planOutput(p plan.Plan, err error) (*PlanOutput, error) {
	if err != nil {
		return nil, err
	}
	return &PlanOutput{ETag: surface.ETag(p.Version), Body: planBody(p)}, nil
}

// ListPlansInput pages plans.
type ListPlansInput struct {
	Cursor string `query:"cursor" maxLength:"64" doc:"Opaque pagination cursor from meta.next_cursor."`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20" doc:"Number of items per page (1–100, default 20)."`
}

// PlanListOutput is a page of plans.
type PlanListOutput struct {
	Body surface.CursorPage[PlanBody]
}

func planPage(ps []plan.Plan, more bool, limit int, err error) (*PlanListOutput, error) {
	if err != nil {
		return nil, err
	}
	body := make([]PlanBody, len(ps))
	for i, p := range ps {
		body[i] = planBody(p)
	}
	return &PlanListOutput{Body: surface.NewCursorPage(body, more, limit, func(p PlanBody) string { return p.ID })}, nil
}

func registerPlans(s *surface.Surface, plans *plan.Service) {
	admin := func(perm string) map[string]any { return surface.Permit(perm, surface.UserToken) }
	tenantOf := func(ctx context.Context) string { return surface.PrincipalFrom(ctx).TenantID }
	limitOf := func(in *ListPlansInput) int { return max(in.Limit, 1) }
	huma.Register(s.API, huma.Operation{
		OperationID: "list-plans", Method: http.MethodGet, Path: "/admin/plans", Tags: []string{"admin-plans"},
		Summary: "List plans (admin)", Description: "Every plan of the client, active or not, in creation order, cursor-paginated.",
		Metadata: admin("admin:plans:read"), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ListPlansInput) (*PlanListOutput, error) {
		ps, more, err := plans.List(ctx, tenantOf(ctx), in.Cursor, limitOf(in))
		return planPage(ps, more, limitOf(in), err)
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "create-plan", Method: http.MethodPost, Path: "/admin/plans", Tags: []string{"admin-plans"},
		Summary: "Create a plan (admin)", Description: "Audit-logged.", DefaultStatus: http.StatusCreated,
		Metadata: admin("admin:plans:write"), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CreatePlanInput) (*PlanOutput, error) {
		return planOutput(plans.Create(ctx, tenantOf(ctx), surface.PrincipalFrom(ctx).Actor(), in.Body.input()))
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-plan", Method: http.MethodGet, Path: "/admin/plans/{plan_id}", Tags: []string{"admin-plans"},
		Summary: "Get a plan (admin)", Metadata: admin("admin:plans:read"), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *PlanIDInput) (*PlanOutput, error) {
		return planOutput(plans.Get(ctx, tenantOf(ctx), in.PlanID))
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "update-plan", Method: http.MethodPut, Path: "/admin/plans/{plan_id}", Tags: []string{"admin-plans"},
		Summary: "Replace a plan (admin)",
		Description: "Changes to price, billing_cycle or max_* fields apply to new subscriptions only; existing subscribers keep " +
			"their terms until their next renewal. Audit-logged.",
		Metadata: admin("admin:plans:write"),
		Errors:   []int{http.StatusNotFound, http.StatusPreconditionFailed, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *UpdatePlanInput) (*PlanOutput, error) {
		v, err := surface.IfMatchVersion(in.IfMatch)
		if err != nil {
			return nil, err
		}
		return planOutput(plans.Update(ctx, tenantOf(ctx), surface.PrincipalFrom(ctx).Actor(), in.PlanID, in.Body.input(), v))
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "deactivate-plan", Method: http.MethodDelete, Path: "/admin/plans/{plan_id}", Tags: []string{"admin-plans"},
		Summary: "Deactivate a plan (admin)",
		Description: "Marks the plan inactive: new subscriptions to it are blocked; existing subscriptions continue until they " +
			"are canceled or expire. Plans are never deleted. Answers the plan. Audit-logged.",
		Metadata: admin("admin:plans:write"), Errors: []int{http.StatusNotFound, http.StatusPreconditionFailed},
	}, func(ctx context.Context, in *DeactivatePlanInput) (*PlanOutput, error) {
		v, err := surface.IfMatchVersion(in.IfMatch)
		if err != nil {
			return nil, err
		}
		return planOutput(plans.Deactivate(ctx, tenantOf(ctx), surface.PrincipalFrom(ctx).Actor(), in.PlanID, v))
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "list-available-plans", Method: http.MethodGet, Path: "/plans", Tags: []string{"plans"},
		Summary: "Plans a subscriber can choose", Description: "The client's active plans, in creation order, cursor-paginated.",
		Metadata: surface.PermitScoped("app:plans:read", "subscription:read", surface.UserToken),
		Errors:   []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ListPlansInput) (*PlanListOutput, error) {
		ps, more, err := plans.ListActive(ctx, tenantOf(ctx), in.Cursor, limitOf(in))
		return planPage(ps, more, limitOf(in), err)
	})
}
