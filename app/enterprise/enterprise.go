// Package enterprise serves the enterprise partner surface of ROUTES.md §4: machine credentials
// (partner tokens and the token endpoint), organizations and single sign-on here; onboarding and
// feature flags join it. Conventions: snake_case JSON, no envelope, errors {"code", "message",
// "request_id", "details"}, 201 on create.
//
// Who may call: an enterprise token (the access token POST /token issues for a partner token)
// reaches the operations that declare a scope it holds (surface.PermitScoped with
// surface.EnterpriseToken) and acts only for its own partner (surface.OwnPartner for
// ?partner_id=). A partner's owner or admin staff, signed in on the partner surface (staff
// bearer token and the client's X-API-Key), may also create organizations and manage partner
// tokens: that is how the first partner token comes to exist.
package enterprise

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"go.uber.org/fx"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/flag"
	"github.com/stvos/stvos/core/onboarding"
	"github.com/stvos/stvos/core/organization"
	"github.com/stvos/stvos/core/partnertoken"
	"github.com/stvos/stvos/core/sso"
	"github.com/stvos/stvos/core/webhook"
)

// Spec is the enterprise surface.
var Spec = surface.Spec{
	Name:  "enterprise",
	Title: "stvos enterprise partner API",
	Description: "Enterprise partners integrate by OAuth-style client credentials. A partner's owner or admin signs in on the partner " +
		"surface (POST /partner-auth/login), creates an organization (POST /organizations) and a partner token " +
		"(POST /partner-tokens: client_id and client_secret, shown once); the integration trades them at POST /token for a bearer " +
		"access token (15 minutes by default, at most an hour) and a rotating refresh token. Each operation names the scope it needs; " +
		"a token acts only for its own partner inside its own client.",
	Style: surface.Flat,
	SecuritySchemes: map[string]*huma.SecurityScheme{
		"enterprise": {Type: "http", Scheme: "bearer", BearerFormat: "JWT",
			Description: "An enterprise access token from POST /token (client_credentials with a partner token's client_id and " +
				"client_secret, or refresh_token). It reaches only the operations naming one of its scopes (user, onboarding, " +
				"legacy_onboarding, sso, billing, flags); others answer 403 INSUFFICIENT_SCOPE."},
	},
}

// Services are the use cases the surface calls.
type Services struct {
	fx.In
	Organizations *organization.Service
	PartnerTokens *partnertoken.Service
	SSO           *sso.Service
	Onboarding    *onboarding.Service
	Webhooks      *webhook.Service
	Flags         *flag.Service
}

// New builds the surface and registers its routes.
func New(mux *http.ServeMux, deps surface.Deps, svc Services) *surface.Surface {
	s := surface.New(mux, Spec, deps)
	registerTokenEndpoint(s, svc.PartnerTokens)
	registerPartnerTokens(s, svc.PartnerTokens)
	registerOrganizations(s, svc.Organizations)
	registerSSO(s, svc.SSO)
	registerOnboarding(s, svc.Onboarding)
	registerWebhooks(s, svc.Webhooks)
	registerFlags(s, svc.Flags)
	return s
}

// Module provides the surface to the server.
var Module = fx.Module("enterprise", fx.Provide(fx.Annotate(New, fx.ResultTags(`group:"surfaces"`))))
