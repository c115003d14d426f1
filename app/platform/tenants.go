package platform

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/tenant"
)

// Branding is how a client's apps look.
type Branding struct {
	DisplayName    string `json:"display_name,omitempty" maxLength:"100" doc:"Name shown in the apps; defaults to the tenant name."`
	PrimaryColor   string `json:"primary_color,omitempty" pattern:"^#[0-9a-fA-F]{6}$" example:"#1a2b3c"`
	SecondaryColor string `json:"secondary_color,omitempty" pattern:"^#[0-9a-fA-F]{6}$" example:"#ffffff"`
	LogoURL        string `json:"logo_url,omitempty" format:"uri" maxLength:"2048" doc:"An https URL."`
}

// RateLimit is a client's per-credential request budget.
type RateLimit struct {
	RequestsPerMinute int `json:"requests_per_minute,omitempty" minimum:"0" maximum:"100000" doc:"Requests per minute per API key or signed-in subject; 0 uses the platform default."`
	Burst             int `json:"burst,omitempty" minimum:"0" maximum:"10000" doc:"Requests allowed at once; 0 uses the rate."`
}

// Billing is how a client bills its subscribers.
type Billing struct {
	TaxRate            int    `json:"tax_rate_bps" minimum:"0" maximum:"10000" doc:"Tax added to every invoice, in basis points of the amount after discounts (1900 is 19 percent); 0: prices carry no tax."`
	UpgradeEffective   string `json:"upgrade_effective,omitempty" enum:"immediate,period_end" doc:"When an upgrade takes effect: immediate (the unused part of the period credited, the rest charged now) or period_end (at the next renewal). Empty: immediate."`
	DowngradeEffective string `json:"downgrade_effective,omitempty" enum:"immediate,period_end" doc:"When a downgrade takes effect. Empty: period_end."`
}

// TenantBody is a client as operators see it.
type TenantBody struct {
	ID        string            `json:"id" format:"uuid"`
	Slug      string            `json:"slug"`
	Name      string            `json:"name"`
	Status    string            `json:"status" enum:"active,suspended"`
	Branding  Branding          `json:"branding"`
	Features  map[string]bool   `json:"features"`
	Adapters  map[string]string `json:"adapters"`
	RateLimit RateLimit         `json:"rate_limit"`
	Billing   Billing           `json:"billing"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

func tenantBody(t tenant.Tenant) TenantBody {
	return TenantBody{ID: t.ID, Slug: t.Slug, Name: t.Name, Status: string(t.Status), Branding: Branding(t.Branding),
		Features: t.Features, Adapters: t.Adapters, RateLimit: RateLimit(t.RateLimit), Billing: Billing(t.Billing), CreatedAt: t.CreatedAt,
		UpdatedAt: t.UpdatedAt}
}

// TenantOutput is one client with its version as ETag.
type TenantOutput struct {
	ETag string `header:"ETag" doc:"The version; send it as If-Match to change the tenant safely."`
	Body TenantBody
}

func tenantOutput(t tenant.Tenant) *TenantOutput {
	return &TenantOutput{ETag: surface.ETag(t.Version), Body: tenantBody(t)}
}

// CreateTenantInput onboards a client.
type CreateTenantInput struct {
	Body struct {
		Name      string            `json:"name" minLength:"1" maxLength:"100"`
		Slug      string            `json:"slug" pattern:"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$" doc:"Unique, URL-safe name of the client."`
		Branding  *Branding         `json:"branding,omitempty"`
		Features  map[string]bool   `json:"features,omitempty" doc:"Feature toggles, at most 64."`
		Adapters  map[string]string `json:"adapters,omitempty" doc:"Adapter chosen per port."`
		RateLimit *RateLimit        `json:"rate_limit,omitempty"`
		Billing   *Billing          `json:"billing,omitempty"`
		Strings   map[string]string `json:"strings,omitempty" doc:"Initial content strings of the apps (st_aboutus, st_privacypolicy, ...)."`
	}
}

// TenantIDInput names a client.
type TenantIDInput struct {
	TenantID string `path:"tenant_id" format:"uuid" doc:"The tenant's id."`
}

// UpdateTenantInput changes a client; absent fields stay as they are.
type UpdateTenantInput struct {
	TenantIDInput
	IfMatch string `header:"If-Match" doc:"The ETag last read; the change is refused with 412 if the tenant changed since."`
	Body    struct {
		Name      *string           `json:"name,omitempty" minLength:"1" maxLength:"100"`
		Status    *string           `json:"status,omitempty" enum:"active,suspended" doc:"Suspending refuses every credential of the client at once."`
		Branding  *Branding         `json:"branding,omitempty" doc:"Replaces the branding."`
		Features  map[string]bool   `json:"features,omitempty" doc:"Merged key by key."`
		Adapters  map[string]string `json:"adapters,omitempty" doc:"Merged key by key."`
		RateLimit *RateLimit        `json:"rate_limit,omitempty"`
		Billing   *Billing          `json:"billing,omitempty" doc:"Replaces the billing settings."`
		Strings   map[string]string `json:"strings,omitempty" doc:"Merged key by key into the content strings."`
	}
}

// TenantListInput pages through clients.
type TenantListInput struct {
	ListInput
}

// TenantListOutput is a page of clients.
type TenantListOutput struct {
	Body surface.CursorPage[TenantBody]
}

const (
	permTenantsRead  = "platform:tenants:read"
	permTenantsWrite = "platform:tenants:write"
)

func registerTenants(s *surface.Surface, svc *tenant.Service) {
	read := surface.Access{Permission: permTenantsRead, Requires: []surface.Credential{surface.OperatorToken}, TenantParam: "tenant_id"}
	write := surface.Access{Permission: permTenantsWrite, Requires: []surface.Credential{surface.OperatorToken}, TenantParam: "tenant_id"}
	huma.Register(s.API, huma.Operation{
		OperationID: "list-tenants", Method: http.MethodGet, Path: "/platform/tenants", Tags: []string{"tenants"},
		Summary: "List clients", Description: "Clients in creation order, cursor-paginated.",
		Metadata: surface.Permit(permTenantsRead, surface.OperatorToken), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *TenantListInput) (*TenantListOutput, error) {
		ts, more, err := svc.List(ctx, in.Cursor, in.limit())
		if err != nil {
			return nil, err
		}
		body := make([]TenantBody, len(ts))
		for i, t := range ts {
			body[i] = tenantBody(t)
		}
		return &TenantListOutput{Body: surface.NewCursorPage(body, more, in.limit(), func(t TenantBody) string { return t.ID })}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "create-tenant", Method: http.MethodPost, Path: "/platform/tenants", Tags: []string{"tenants"},
		Summary: "Onboard a client", DefaultStatus: http.StatusCreated,
		Metadata: surface.Permit(permTenantsWrite, surface.OperatorToken),
		Errors:   []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CreateTenantInput) (*TenantOutput, error) {
		nt := tenant.NewTenant{Name: in.Body.Name, Slug: in.Body.Slug, Features: in.Body.Features, Adapters: in.Body.Adapters, Strings: in.Body.Strings}
		if in.Body.Branding != nil {
			nt.Branding = tenant.Branding(*in.Body.Branding)
		}
		if in.Body.RateLimit != nil {
			nt.RateLimit = tenant.RateLimit(*in.Body.RateLimit)
		}
		if in.Body.Billing != nil {
			nt.Billing = tenant.Billing(*in.Body.Billing)
		}
		t, err := svc.Create(ctx, nt)
		if err != nil {
			return nil, err
		}
		return tenantOutput(t), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-tenant", Method: http.MethodGet, Path: "/platform/tenants/{tenant_id}", Tags: []string{"tenants"},
		Summary: "Read a client", Metadata: read.Meta(), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *TenantIDInput) (*TenantOutput, error) {
		t, err := svc.Get(ctx, in.TenantID)
		if err != nil {
			return nil, err
		}
		return tenantOutput(t), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "update-tenant", Method: http.MethodPatch, Path: "/platform/tenants/{tenant_id}", Tags: []string{"tenants"},
		Summary: "Change or suspend a client", Metadata: write.Meta(),
		Errors: []int{http.StatusNotFound, http.StatusPreconditionFailed, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *UpdateTenantInput) (*TenantOutput, error) {
		p := tenant.Patch{Name: in.Body.Name, Features: in.Body.Features, Adapters: in.Body.Adapters, Strings: in.Body.Strings}
		v, err := surface.IfMatchVersion(in.IfMatch)
		if err != nil {
			return nil, err
		}
		p.IfVersion = v
		if in.Body.Status != nil {
			st := tenant.Status(*in.Body.Status)
			p.Status = &st
		}
		if in.Body.Branding != nil {
			b := tenant.Branding(*in.Body.Branding)
			p.Branding = &b
		}
		if in.Body.RateLimit != nil {
			r := tenant.RateLimit(*in.Body.RateLimit)
			p.RateLimit = &r
		}
		if in.Body.Billing != nil {
			b := tenant.Billing(*in.Body.Billing)
			p.Billing = &b
		}
		t, err := svc.Update(ctx, in.TenantID, p)
		if err != nil {
			return nil, err
		}
		return tenantOutput(t), nil
	})
}
