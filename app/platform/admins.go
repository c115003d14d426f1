package platform

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/useradmin"
)

// CreateAdminInput creates an admin user of a client.
type CreateAdminInput struct {
	TenantIDInput
	Body struct {
		Email    string `json:"email" format:"email" maxLength:"254"`
		Password string `json:"password" minLength:"10" maxLength:"128" doc:"Kept only as an argon2id hash."`
		Name     string `json:"name" minLength:"1" maxLength:"100"`
	}
}

// AdminBody is a client's admin user.
type AdminBody struct {
	ID          string    `json:"id" format:"uuid"`
	TenantID    string    `json:"tenant_id" format:"uuid"`
	Email       string    `json:"email" format:"email"`
	DisplayName string    `json:"display_name"`
	Roles       []string  `json:"roles"`
	Status      string    `json:"status" enum:"active,suspended"`
	CreatedAt   time.Time `json:"created_at"`
}

// AdminOutput is the created admin.
type AdminOutput struct {
	Body AdminBody
}

func registerAdmins(s *surface.Surface, users *useradmin.Service) {
	huma.Register(s.API, huma.Operation{
		OperationID: "create-tenant-admin", Method: http.MethodPost, Path: "/platform/tenants/{tenant_id}/admins", Tags: []string{"admins"},
		Summary:       "Create an admin user of a client",
		Description:   "The admin signs in like the client's subscribers (app sign-in or OAuth) and carries role admin in their tokens.",
		DefaultStatus: http.StatusCreated,
		Metadata: surface.Access{Permission: "platform:admins:write", Requires: []surface.Credential{surface.OperatorToken},
			TenantParam: "tenant_id"}.Meta(),
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CreateAdminInput) (*AdminOutput, error) {
		u, err := users.CreateAdmin(ctx, in.TenantID, in.Body.Email, in.Body.Password, in.Body.Name,
			surface.PrincipalFrom(ctx).Actor())
		if err != nil {
			return nil, err
		}
		return &AdminOutput{Body: AdminBody{ID: u.ID, TenantID: u.TenantID, Email: u.Email, DisplayName: u.DisplayName,
			Roles: u.Roles, Status: string(u.Status), CreatedAt: u.CreatedAt}}, nil
	})
}
