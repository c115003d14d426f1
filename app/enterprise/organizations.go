package enterprise

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/organization"
	"github.com/stvos/stvos/core/partnertoken"
)

// CreateOrganizationInput creates an organization, as the specification's body.
type CreateOrganizationInput struct {
	Body struct {
		Name       string `json:"name" minLength:"1" maxLength:"200"`
		ProviderID string `json:"provider_id" minLength:"1" maxLength:"200" doc:"The partner's own id of the organization; unique within the partner (409 ORGANIZATION_EXISTS)."`
		User       struct {
			Email     string `json:"email" format:"email" maxLength:"254"`
			FirstName string `json:"first_name" minLength:"1" maxLength:"100"`
			LastName  string `json:"last_name,omitempty" maxLength:"100"`
		} `json:"user" doc:"The organization's owner: the client's user with this email, created (without a password; they sign in by single sign-on or set one by reset) when there is none."`
	}
}

// OrganizationCreatedBody is the new organization and its owner.
type OrganizationCreatedBody struct {
	OrgID  string `json:"org_id" format:"uuid"`
	UserID string `json:"user_id" format:"uuid"`
}

// OrganizationCreatedOutput answers the creation.
type OrganizationCreatedOutput struct {
	Body OrganizationCreatedBody
}

func registerOrganizations(s *surface.Surface, svc *organization.Service) {
	huma.Register(s.API, huma.Operation{
		OperationID: "create-organization", Method: http.MethodPost, Path: "/organizations", Tags: []string{"organizations"},
		Summary: "Create organization",
		Description: "Creates an organization of the caller's partner with its owner, a user of the partner's client (linked by email " +
			"when the client already has them, else created), in one transaction. Callers: an enterprise token with the onboarding " +
			"scope, or the partner's owner or admin staff (staff bearer token and the client's X-API-Key).",
		DefaultStatus: http.StatusCreated, Metadata: staffOrToken("enterprise:organizations:write", partnertoken.ScopeOnboarding),
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CreateOrganizationInput) (*OrganizationCreatedOutput, error) {
		p := surface.PrincipalFrom(ctx)
		b := in.Body
		o, m, err := svc.Create(ctx, p.TenantID, p.PartnerID, organization.New{Name: b.Name, ProviderID: b.ProviderID,
			User: organization.Person{Email: b.User.Email, FirstName: b.User.FirstName, LastName: b.User.LastName}}, p.Actor())
		if err != nil {
			return nil, err
		}
		return &OrganizationCreatedOutput{Body: OrganizationCreatedBody{OrgID: o.ID, UserID: m.UserID}}, nil
	})
}
