// Package subscriber serves the subscriber surface of ROUTES.md. Its routes arrive with the issues that build
// their capabilities; the surface, its conventions and its OpenAPI document exist from the start.
package subscriber

import (
	"net/http"

	"go.uber.org/fx"

	"github.com/stvos/stvos/app/surface"
)

// Spec is the subscriber surface.
var Spec = surface.Spec{
	Name:        "subscriber",
	Title:       "stvos subscriber management API",
	Description: "Subscribers manage their account, profiles, subscription, payments, notifications and privacy; tenant admins manage users, plans, coupons, gift cards and the catalog. OAuth2 bearer tokens (authorization code with PKCE).",
	Style:       surface.Flat,
	Audience:    "subscriber",
}

// New builds the surface and registers its routes.
func New(mux *http.ServeMux, deps surface.Deps) *surface.Surface {
	return surface.New(mux, Spec, deps)
}

// Module provides the surface to the server.
var Module = fx.Module("subscriber", fx.Provide(fx.Annotate(New, fx.ResultTags(`group:"surfaces"`))))
