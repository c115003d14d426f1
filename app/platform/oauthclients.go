package platform

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/grant"
)

// OAuthClientBody is a client's OAuth app.
type OAuthClientBody struct {
	ClientID     string    `json:"client_id" doc:"Public identifier; the app has no secret and must use PKCE (S256)."`
	Name         string    `json:"name"`
	RedirectURIs []string  `json:"redirect_uris" doc:"Matched exactly."`
	Scopes       []string  `json:"scopes"`
	CreatedAt    time.Time `json:"created_at"`
}

func oauthClientBody(c grant.Client) OAuthClientBody {
	return OAuthClientBody{ClientID: c.ID, Name: c.Name, RedirectURIs: c.RedirectURIs, Scopes: c.Scopes, CreatedAt: c.CreatedAt}
}

// CreateOAuthClientInput registers an OAuth app of a client.
type CreateOAuthClientInput struct {
	TenantIDInput
	Body struct {
		Name         string   `json:"name" minLength:"1" maxLength:"100"`
		RedirectURIs []string `json:"redirect_uris" minItems:"1" maxItems:"10"`
		Scopes       []string `json:"scopes,omitempty" doc:"Defaults to every scope: openid profile content:read subscription:read watchlist devices drm."`
	}
}

// OAuthClientOutput is one OAuth app.
type OAuthClientOutput struct {
	Body OAuthClientBody
}

// OAuthClientListOutput lists a client's OAuth apps.
type OAuthClientListOutput struct {
	Body struct {
		Data []OAuthClientBody `json:"data"`
	}
}

func registerOAuthClients(s *surface.Surface, grants *grant.Service) {
	access := func(perm string) map[string]any {
		return surface.Access{Permission: perm, Requires: []surface.Credential{surface.OperatorToken}, TenantParam: "tenant_id"}.Meta()
	}
	huma.Register(s.API, huma.Operation{
		OperationID: "list-oauth-clients", Method: http.MethodGet, Path: "/platform/tenants/{tenant_id}/oauth-clients", Tags: []string{"oauth-clients"},
		Summary: "List a client's OAuth apps", Metadata: access("platform:oauth_clients:read"), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *TenantIDInput) (*OAuthClientListOutput, error) {
		cs, err := grants.Clients(ctx, in.TenantID)
		if err != nil {
			return nil, err
		}
		out := &OAuthClientListOutput{}
		out.Body.Data = make([]OAuthClientBody, len(cs))
		for i, c := range cs {
			out.Body.Data[i] = oauthClientBody(c)
		}
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "create-oauth-client", Method: http.MethodPost, Path: "/platform/tenants/{tenant_id}/oauth-clients", Tags: []string{"oauth-clients"},
		Summary:       "Register an OAuth app of a client",
		Description:   "A public client (no secret): authorization code with PKCE S256, device authorization for TVs, refresh tokens.",
		DefaultStatus: http.StatusCreated, Metadata: access("platform:oauth_clients:write"),
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CreateOAuthClientInput) (*OAuthClientOutput, error) {
		c, err := grants.CreateClient(ctx, in.TenantID, grant.NewClient{Name: in.Body.Name, RedirectURIs: in.Body.RedirectURIs,
			Scopes: in.Body.Scopes}, surface.PrincipalFrom(ctx).Actor())
		if err != nil {
			return nil, err
		}
		return &OAuthClientOutput{Body: oauthClientBody(c)}, nil
	})
}
