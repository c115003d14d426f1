// Package enterprise serves the enterprise surface of ROUTES.md. Its routes arrive with the issues that build
// their capabilities; the surface, its conventions and its OpenAPI document exist from the start.
package enterprise

import (
	"net/http"

	"go.uber.org/fx"

	"github.com/stvos/stvos/app/surface"
)

// Spec is the enterprise surface.
var Spec = surface.Spec{
	Name:        "enterprise",
	Title:       "stvos enterprise partner API",
	Description: "Enterprise partners integrate by OAuth client credentials",
	Style:       surface.Flat,
}

// New builds the surface and registers its routes.
func New(mux *http.ServeMux, deps surface.Deps) *surface.Surface {
	return surface.New(mux, Spec, deps)
}

// Module provides the surface to the server.
var Module = fx.Module("enterprise", fx.Provide(fx.Annotate(New, fx.ResultTags(`group:"surfaces"`))))
