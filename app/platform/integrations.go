package platform

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/onboarding"
)

// IntegrationSourceBody is a client's own integration source (its secret never shown).
type IntegrationSourceBody struct {
	Source          string    `json:"source" doc:"The name partners pass as source in POST /onboarding."`
	Adapter         string    `json:"adapter" enum:"oauth2" doc:"The provider adapter serving it: the generic OAuth 2 provider."`
	AuthURL         string    `json:"auth_url"`
	TokenURL        string    `json:"token_url"`
	ClientID        string    `json:"client_id"`
	ClientSecretSet bool      `json:"client_secret_set" doc:"Whether a client secret is stored (sealed; never shown)."`
	Scopes          []string  `json:"scopes"`
	LocationsURL    string    `json:"locations_url"`
	MenusURL        string    `json:"menus_url,omitempty"`
	UserInfoURL     string    `json:"userinfo_url,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func integrationSourceBody(s onboarding.Source) IntegrationSourceBody {
	return IntegrationSourceBody{Source: s.Name, Adapter: "oauth2", AuthURL: s.AuthURL, TokenURL: s.TokenURL, ClientID: s.ClientID,
		ClientSecretSet: s.SealedClientSecret != "", Scopes: s.Scopes, LocationsURL: s.LocationsURL, MenusURL: s.MenusURL,
		UserInfoURL: s.UserInfoURL, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
}

// IntegrationSourceInput names a client's source.
type IntegrationSourceInput struct {
	TenantIDInput
	Source string `path:"source" maxLength:"64"`
}

// PutIntegrationSourceInput sets a client's source.
type PutIntegrationSourceInput struct {
	IntegrationSourceInput
	Body struct {
		AuthURL      string   `json:"auth_url" maxLength:"2048" doc:"The provider's authorization endpoint (https, public address)."`
		TokenURL     string   `json:"token_url" maxLength:"2048" doc:"The provider's token endpoint (https, public address)."`
		ClientID     string   `json:"client_id" maxLength:"256"`
		ClientSecret string   `json:"client_secret,omitempty" maxLength:"512" doc:"Stored sealed, never shown again; absent keeps the stored one (or none: a public client relying on PKCE)."`
		Scopes       []string `json:"scopes,omitempty" maxItems:"20"`
		LocationsURL string   `json:"locations_url" maxLength:"2048" doc:"GET with the bearer token: {\"locations\": [{provider_id, name, address}]}."`
		MenusURL     string   `json:"menus_url,omitempty" maxLength:"2048" doc:"Optional; {location_id} is replaced: {\"menus\": [{provider_id, name}]}."`
		UserInfoURL  string   `json:"userinfo_url,omitempty" maxLength:"2048" doc:"Optional; names the merchant (merchant_id, else sub) when the token response does not."`
	}
}

// IntegrationSourceOutput is one source.
type IntegrationSourceOutput struct {
	Body IntegrationSourceBody
}

// IntegrationSourceListOutput lists a client's sources.
type IntegrationSourceListOutput struct {
	Body struct {
		Data []IntegrationSourceBody `json:"data"`
	}
}

func registerIntegrations(s *surface.Surface, sources *onboarding.Sources) {
	access := func(perm string) map[string]any {
		return surface.Access{Permission: perm, Requires: []surface.Credential{surface.OperatorToken}, TenantParam: "tenant_id"}.Meta()
	}
	huma.Register(s.API, huma.Operation{
		OperationID: "list-integration-sources", Method: http.MethodGet, Path: "/platform/tenants/{tenant_id}/integrations", Tags: []string{"integrations"},
		Summary:     "List a client's integration sources",
		Description: "The onboarding sources the client configured with the generic OAuth 2 provider; other sources use the adapter of its adapters.integrations (sandbox by default).",
		Metadata:    access("platform:integrations:read"), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *TenantIDInput) (*IntegrationSourceListOutput, error) {
		ss, err := sources.List(ctx, in.TenantID)
		if err != nil {
			return nil, err
		}
		out := &IntegrationSourceListOutput{}
		out.Body.Data = make([]IntegrationSourceBody, len(ss))
		for i, x := range ss {
			out.Body.Data[i] = integrationSourceBody(x)
		}
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "put-integration-source", Method: http.MethodPut, Path: "/platform/tenants/{tenant_id}/integrations/{source}", Tags: []string{"integrations"},
		Summary: "Configure a client's integration source",
		Description: "Creates or replaces the generic OAuth 2 provider (authorization code with PKCE S256) serving the source for the " +
			"client. Every URL must be https on a public address (422 naming the field); the client secret is kept sealed.",
		Metadata: access("platform:integrations:write"), Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *PutIntegrationSourceInput) (*IntegrationSourceOutput, error) {
		b := in.Body
		src, err := sources.Put(ctx, in.TenantID, in.Source, onboarding.SourceInput{AuthURL: b.AuthURL, TokenURL: b.TokenURL, ClientID: b.ClientID,
			ClientSecret: b.ClientSecret, Scopes: b.Scopes, LocationsURL: b.LocationsURL, MenusURL: b.MenusURL, UserInfoURL: b.UserInfoURL})
		if err != nil {
			return nil, err
		}
		return &IntegrationSourceOutput{Body: integrationSourceBody(src)}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "delete-integration-source", Method: http.MethodDelete, Path: "/platform/tenants/{tenant_id}/integrations/{source}", Tags: []string{"integrations"},
		Summary:     "Remove a client's integration source",
		Description: "New onboardings of the source are served by the client's default adapter again (or refused).",
		Metadata:    access("platform:integrations:write"), DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *IntegrationSourceInput) (*struct{}, error) {
		return nil, sources.Delete(ctx, in.TenantID, in.Source)
	})
}
