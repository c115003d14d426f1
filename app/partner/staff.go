package partner

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	corepartner "github.com/stvos/stvos/core/partner"
)

// permStaff is the owners' permission: the policy grants partner:staff to partner_owner only
// (the action "manage" is not "read", so viewers' read-everything rule does not reach it).
const permStaff = "partner:staff:manage"

// maxStaffList bounds the staff list: a partner's portal accounts are few.
const maxStaffList = 200

// StaffListOutput is the partner's staff.
type StaffListOutput struct {
	Body surface.Envelope[struct {
		Staff []StaffBody `json:"staff"`
		// More says whether the partner has more staff than the list holds.
		More bool `json:"more" doc:"True when the partner has more than 200 staff and the list stops there."`
	}]
}

// CreatePartnerStaffInput adds a staff account to the caller's partner.
type CreatePartnerStaffInput struct {
	Body struct {
		Email    string `json:"email" format:"email" maxLength:"254" doc:"They sign in with it; unique across the platform."`
		Name     string `json:"name" minLength:"1" maxLength:"100"`
		Role     string `json:"role" enum:"admin,viewer" doc:"admin changes the portal; viewer only reads it. Owners are made by operators, or by promoting an admin."`
		Password string `json:"password" minLength:"10" maxLength:"128" doc:"The initial password, given to them by the owner; kept only as an argon2id hash."`
	}
}

// StaffOutput is one staff account.
type StaffOutput struct {
	Body surface.Envelope[StaffBody]
}

// StaffIDInput names a staff member of the caller's partner.
type StaffIDInput struct {
	ID string `path:"id" format:"uuid" doc:"The staff member's id."`
}

// ChangeStaffRoleInput gives a staff member another role.
type ChangeStaffRoleInput struct {
	StaffIDInput
	Body struct {
		Role string `json:"role" enum:"owner,admin,viewer"`
	}
}

func staffChange(ctx context.Context, id string) corepartner.StaffChange {
	p := surface.PrincipalFrom(ctx)
	return corepartner.StaffChange{TenantID: p.TenantID, PartnerID: p.PartnerID, ActorID: p.Subject, StaffID: id, By: p.Actor()}
}

func registerStaff(s *surface.Surface, partners *corepartner.Service) {
	const owners = " Owners only (403 for admins and viewers); another partner's staff member is not found (404)."
	huma.Register(s.API, huma.Operation{
		OperationID: "list-staff", Method: http.MethodGet, Path: "/partner/staff", Tags: []string{"staff"},
		Summary: "List the partner's staff", Description: "The partner's portal accounts in creation order, at most 200." + owners,
		Metadata: surface.Permit(permStaff, surface.StaffToken),
	}, func(ctx context.Context, _ *struct{}) (*StaffListOutput, error) {
		ss, more, err := partners.ListStaff(ctx, surface.PrincipalFrom(ctx).PartnerID, "", maxStaffList)
		if err != nil {
			return nil, err
		}
		out := &StaffListOutput{}
		out.Body = surface.OK(out.Body.Data)
		out.Body.Data.Staff, out.Body.Data.More = make([]StaffBody, len(ss)), more
		for i, st := range ss {
			out.Body.Data.Staff[i] = staffBody(st)
		}
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "create-staff", Method: http.MethodPost, Path: "/partner/staff", Tags: []string{"staff"},
		Summary: "Add a staff account", Description: "An admin or viewer of the caller's partner, with an initial password the owner " +
			"gives them. The same use case as the platform's create-partner-staff; audit-logged." + owners,
		DefaultStatus: http.StatusCreated, Metadata: surface.Permit(permStaff, surface.StaffToken),
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CreatePartnerStaffInput) (*StaffOutput, error) {
		st, err := partners.CreateStaff(ctx, surface.PrincipalFrom(ctx).PartnerID, corepartner.NewStaff{Email: in.Body.Email,
			Password: in.Body.Password, Name: in.Body.Name, Role: corepartner.Role(in.Body.Role), By: surface.PrincipalFrom(ctx).Actor()})
		if err != nil {
			return nil, err
		}
		return &StaffOutput{Body: surface.OK(staffBody(st))}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "change-staff-role", Method: http.MethodPatch, Path: "/partner/staff/{id}", Tags: []string{"staff"},
		Summary: "Change a staff member's role", Description: "Their sign-ins end, so the new role applies from their next sign-in; audit-logged. " +
			"An owner cannot change their own role (409 CANNOT_CHANGE_SELF), and the last owner cannot be demoted (409 LAST_OWNER)." + owners,
		Metadata: surface.Permit(permStaff, surface.StaffToken),
		Errors:   []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ChangeStaffRoleInput) (*StaffOutput, error) {
		st, err := partners.ChangeStaffRole(ctx, staffChange(ctx, in.ID), corepartner.Role(in.Body.Role))
		if err != nil {
			return nil, err
		}
		return &StaffOutput{Body: surface.OK(staffBody(st))}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "remove-staff", Method: http.MethodDelete, Path: "/partner/staff/{id}", Tags: []string{"staff"},
		Summary: "Remove a staff account", Description: "Their sign-ins end at once and the email becomes free; audit-logged. An owner cannot remove " +
			"themselves (409 CANNOT_CHANGE_SELF), and the last owner cannot be removed (409 LAST_OWNER)." + owners,
		Metadata: surface.Permit(permStaff, surface.StaffToken),
		Errors:   []int{http.StatusNotFound, http.StatusConflict},
	}, func(ctx context.Context, in *StaffIDInput) (*DeletedOutput, error) {
		if err := partners.RemoveStaff(ctx, staffChange(ctx, in.ID)); err != nil {
			return nil, err
		}
		out := &DeletedOutput{}
		out.Body = surface.OK(out.Body.Data)
		out.Body.Data.ID, out.Body.Data.Deleted = in.ID, true
		return out, nil
	})
}
