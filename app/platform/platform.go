// Package platform serves the platform surface: operators sign in, onboard white-label clients
// (tenants), issue their API keys, and create their partners and partner staff. Conventions:
// snake_case, no envelope, flat error body, cursor pagination.
package platform

import (
	"net/http"

	"go.uber.org/fx"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/flagapi"
	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/flag"
	"github.com/stvos/stvos/core/grant"
	"github.com/stvos/stvos/core/onboarding"
	"github.com/stvos/stvos/core/operator"
	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/core/useradmin"
)

// Spec is the platform surface.
var Spec = surface.Spec{
	Name:  "platform",
	Title: "stvos platform API",
	Description: "Operators onboard white-label clients: tenants, their API keys, partners and partner staff. " +
		"Sign in at POST /platform/auth/login and send the access token as Authorization: Bearer.",
	Style: surface.Flat,
}

// Services are the use cases the surface calls.
type Services struct {
	fx.In
	Operators *operator.Service
	Tenants   *tenant.Service
	Partners  *partner.Service
	Users     *useradmin.Service
	Grants    *grant.Service
	Sources   *onboarding.Sources
	Flags     *flag.Service
}

// New builds the surface and registers its routes.
func New(mux *http.ServeMux, deps surface.Deps, svc Services) *surface.Surface {
	s := surface.New(mux, Spec, deps)
	registerAuth(s, svc.Operators)
	registerTenants(s, svc.Tenants)
	registerAPIKeys(s, svc.Tenants)
	registerPartners(s, svc.Partners)
	registerAdmins(s, svc.Users)
	registerOAuthClients(s, svc.Grants)
	registerIntegrations(s, svc.Sources)
	flagapi.Register(s, flagapi.Routes{Prefix: "/platform/tenants/{tenant_id}", Tag: "tenant-", Errors: []int{http.StatusNotFound},
		Access: func(act string) map[string]any {
			return surface.Access{Permission: "platform:flags:" + act, Requires: []surface.Credential{surface.OperatorToken},
				TenantParam: "tenant_id"}.Meta()
		},
		Params: []*huma.Param{{Name: "tenant_id", In: "path", Required: true, Description: "The client.",
			Schema: &huma.Schema{Type: "string", Format: "uuid"}}}}, svc.Flags)
	return s
}

// Module provides the surface to the server.
var Module = fx.Module("platform", fx.Provide(fx.Annotate(New, fx.ResultTags(`group:"surfaces"`))))

// Page sizes of platform lists.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// ListInput is the cursor and limit of a list.
type ListInput struct {
	Cursor string `query:"cursor" doc:"Opaque cursor from meta.next_cursor." maxLength:"64"`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20" doc:"Page size, 1 to 100."`
}

func (l ListInput) limit() int {
	if l.Limit <= 0 {
		return defaultLimit
	}
	return min(l.Limit, maxLimit)
}
