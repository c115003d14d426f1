// Package partner serves the partner portal surface: partner staff sign in and manage vouchers,
// members, analytics, billing, content strings and products. Conventions: camelCase,
// {"success": true, "data": ...} envelope, enveloped error body.
package partner

import (
	"net/http"

	"go.uber.org/fx"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/analytics"
	"github.com/stvos/stvos/core/member"
	corepartner "github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/core/partnerbilling"
	"github.com/stvos/stvos/core/product"
	"github.com/stvos/stvos/core/staff"
	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/core/voucher"
	"github.com/stvos/stvos/ports"
)

// Spec is the partner portal surface.
var Spec = surface.Spec{
	Name:  "partner",
	Title: "stvos partner portal API",
	Description: "Partner staff manage vouchers, follow members, analytics and billing, and edit the client's content strings and products; owners manage their staff. " +
		"Staff sign in at POST /partner-auth/login; voucher routes also need the client's X-API-Key.",
	Style: surface.Enveloped,
}

// Services are the use cases and ports the surface calls.
type Services struct {
	fx.In
	Staff     *staff.Service
	Partners  *corepartner.Service
	Vouchers  *voucher.Service
	Members   *member.Service
	Analytics *analytics.Service
	Billing   *partnerbilling.Service
	Exports   ports.Exports
	Tenants   *tenant.Service
	Products  *product.Service
}

// New builds the surface and registers its routes.
func New(mux *http.ServeMux, deps surface.Deps, svc Services) *surface.Surface {
	s := surface.New(mux, Spec, deps)
	registerAuth(s, svc.Staff)
	registerVouchers(s, svc.Vouchers, svc.Exports, deps.Clock)
	registerMembers(s, svc.Members, svc.Exports, deps.Clock)
	registerReports(s, svc.Analytics, svc.Billing, svc.Exports, deps.Clock)
	registerStrings(s, svc.Tenants)
	registerProducts(s, svc.Products)
	registerStaff(s, svc.Partners)
	return s
}

// Module provides the surface to the server.
var Module = fx.Module("partner", fx.Provide(fx.Annotate(New, fx.ResultTags(`group:"surfaces"`))))
