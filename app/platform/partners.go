package platform

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/partner"
)

// PartnerBody is a partner of a client.
type PartnerBody struct {
	ID        string    `json:"id" format:"uuid"`
	TenantID  string    `json:"tenant_id" format:"uuid"`
	Name      string    `json:"name"`
	Status    string    `json:"status" enum:"active,suspended"`
	CreatedAt time.Time `json:"created_at"`
}

func partnerBody(p partner.Partner) PartnerBody {
	return PartnerBody{ID: p.ID, TenantID: p.TenantID, Name: p.Name, Status: string(p.Status), CreatedAt: p.CreatedAt}
}

// CreatePartnerInput adds a partner.
type CreatePartnerInput struct {
	TenantIDInput
	Body struct {
		Name string `json:"name" minLength:"1" maxLength:"100"`
	}
}

// PartnerOutput is one partner.
type PartnerOutput struct {
	Body PartnerBody
}

// PartnerListInput pages through a client's partners.
type PartnerListInput struct {
	TenantIDInput
	ListInput
}

// PartnerListOutput is a page of partners.
type PartnerListOutput struct {
	Body surface.CursorPage[PartnerBody]
}

// StaffBody is a partner portal account: never its password.
type StaffBody struct {
	ID        string    `json:"id" format:"uuid"`
	PartnerID string    `json:"partner_id" format:"uuid"`
	Email     string    `json:"email" format:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role" enum:"owner,admin,viewer"`
	CreatedAt time.Time `json:"created_at"`
}

func staffBody(s partner.Staff) StaffBody {
	return StaffBody{ID: s.ID, PartnerID: s.PartnerID, Email: s.Email, Name: s.Name, Role: string(s.Role), CreatedAt: s.CreatedAt}
}

// PartnerIDInput names a partner.
type PartnerIDInput struct {
	PartnerID string `path:"partner_id" format:"uuid"`
}

// CreateStaffInput adds a staff account.
type CreateStaffInput struct {
	PartnerIDInput
	Body struct {
		Email    string `json:"email" format:"email" maxLength:"254"`
		Password string `json:"password" minLength:"10" maxLength:"128" doc:"Kept only as an argon2id hash."`
		Name     string `json:"name" minLength:"1" maxLength:"100"`
		Role     string `json:"role" enum:"owner,admin,viewer" doc:"owner manages staff; admin changes the portal; viewer reads it."`
	}
}

// StaffOutput is one staff account.
type StaffOutput struct {
	Body StaffBody
}

// StaffListInput pages through a partner's staff.
type StaffListInput struct {
	PartnerIDInput
	ListInput
}

// StaffListOutput is a page of staff.
type StaffListOutput struct {
	Body surface.CursorPage[StaffBody]
}

func registerPartners(s *surface.Surface, svc *partner.Service) {
	inTenant := func(perm string) map[string]any {
		return surface.Access{Permission: perm, Requires: []surface.Credential{surface.OperatorToken}, TenantParam: "tenant_id"}.Meta()
	}
	huma.Register(s.API, huma.Operation{
		OperationID: "list-partners", Method: http.MethodGet, Path: "/platform/tenants/{tenant_id}/partners", Tags: []string{"partners"},
		Summary: "List a client's partners", Metadata: inTenant("platform:partners:read"),
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *PartnerListInput) (*PartnerListOutput, error) {
		ps, more, err := svc.List(ctx, in.TenantID, in.Cursor, in.limit())
		if err != nil {
			return nil, err
		}
		body := make([]PartnerBody, len(ps))
		for i, p := range ps {
			body[i] = partnerBody(p)
		}
		return &PartnerListOutput{Body: surface.NewCursorPage(body, more, in.limit(), func(p PartnerBody) string { return p.ID })}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "create-partner", Method: http.MethodPost, Path: "/platform/tenants/{tenant_id}/partners", Tags: []string{"partners"},
		Summary: "Add a partner to a client", DefaultStatus: http.StatusCreated, Metadata: inTenant("platform:partners:write"),
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CreatePartnerInput) (*PartnerOutput, error) {
		p, err := svc.Create(ctx, in.TenantID, in.Body.Name)
		if err != nil {
			return nil, err
		}
		return &PartnerOutput{Body: partnerBody(p)}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "list-partner-staff", Method: http.MethodGet, Path: "/platform/partners/{partner_id}/staff", Tags: []string{"partners"},
		Summary: "List a partner's staff accounts", Metadata: surface.Permit("platform:staff:read", surface.OperatorToken),
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *StaffListInput) (*StaffListOutput, error) {
		ss, more, err := svc.ListStaff(ctx, in.PartnerID, in.Cursor, in.limit())
		if err != nil {
			return nil, err
		}
		body := make([]StaffBody, len(ss))
		for i, st := range ss {
			body[i] = staffBody(st)
		}
		return &StaffListOutput{Body: surface.NewCursorPage(body, more, in.limit(), func(b StaffBody) string { return b.ID })}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "create-partner-staff", Method: http.MethodPost, Path: "/platform/partners/{partner_id}/staff", Tags: []string{"partners"},
		Summary: "Create a partner staff account", Description: "The account signs in to the partner portal. Emails are unique within a client.",
		DefaultStatus: http.StatusCreated, Metadata: surface.Permit("platform:staff:write", surface.OperatorToken),
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CreateStaffInput) (*StaffOutput, error) {
		st, err := svc.CreateStaff(ctx, in.PartnerID, partner.NewStaff{Email: in.Body.Email, Password: in.Body.Password,
			Name: in.Body.Name, Role: partner.Role(in.Body.Role), By: surface.PrincipalFrom(ctx).Actor()})
		if err != nil {
			return nil, err
		}
		return &StaffOutput{Body: staffBody(st)}, nil
	})
}
