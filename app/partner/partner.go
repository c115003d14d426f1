// Package partner serves the partner surface of ROUTES.md. Its routes arrive with the issues that build
// their capabilities; the surface, its conventions and its OpenAPI document exist from the start.
package partner

import (
	"net/http"

	"go.uber.org/fx"

	"github.com/stvos/stvos/app/surface"
)

// Spec is the partner surface.
var Spec = surface.Spec{
	Name:        "partner",
	Title:       "stvos partner portal API",
	Description: "Partner staff manage vouchers, follow members, analytics and billing, and edit the client's content strings and products. Staff sign in at POST /partner-auth/login; voucher routes also need the client's X-API-Key.",
	Style:       surface.Enveloped,
	Audience:    "partner",
}

// New builds the surface and registers its routes.
func New(mux *http.ServeMux, deps surface.Deps) *surface.Surface {
	return surface.New(mux, Spec, deps)
}

// Module provides the surface to the server.
var Module = fx.Module("partner", fx.Provide(fx.Annotate(New, fx.ResultTags(`group:"surfaces"`))))
