// Package mobile serves the app surface: the calls a white-label client's mobile and TV apps make
// with the client's X-API-Key. Conventions: camelCase, {"success": true, "data": ...} envelope,
// enveloped error body, page/limit pagination.
package mobile

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"go.uber.org/fx"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/catalog"
	"github.com/stvos/stvos/core/flag"
	"github.com/stvos/stvos/core/playback"
	"github.com/stvos/stvos/core/product"
	"github.com/stvos/stvos/core/profile"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/core/voucher"
)

// Spec is the app surface.
var Spec = surface.Spec{
	Name:  "app",
	Title: "stvos app API",
	Description: "Calls of a white-label client's mobile and TV apps. Every call sends the client's API key as X-API-Key; " +
		"signed-in calls also send the subscriber's bearer token.",
	Style: surface.Enveloped,
}

// Services are the use cases the surface calls.
type Services struct {
	fx.In
	Tenants  *tenant.Service
	Accounts *account.Service
	Sessions *session.Service
	Vouchers *voucher.Service
	Catalog  *catalog.Service
	Playback *playback.Service
	Products *product.Service
	Profiles *profile.Service
	Flags    *flag.Service
}

// New builds the surface and registers its routes.
func New(mux *http.ServeMux, deps surface.Deps, svc Services) *surface.Surface {
	s := surface.New(mux, Spec, deps)
	registerStrings(s, svc.Tenants)
	registerBranding(s)
	registerAuth(s, svc.Accounts, svc.Sessions, svc.Vouchers)
	registerVouchers(s, svc.Vouchers)
	registerCatalog(s, svc.Catalog, svc.Profiles)
	registerPlayback(s, svc.Playback, svc.Catalog, svc.Profiles)
	registerProducts(s, svc.Products)
	registerOFREP(s, svc.Flags)
	return s
}

// Module provides the surface to the server.
var Module = fx.Module("app", fx.Provide(fx.Annotate(New, fx.ResultTags(`group:"surfaces"`))))

// StringsOutput is the client's content strings, as an array of one object (as the partner
// portal specification shows).
type StringsOutput struct {
	Body surface.Envelope[[]map[string]string]
}

func registerStrings(s *surface.Surface, tenants *tenant.Service) {
	huma.Register(s.API, huma.Operation{
		OperationID: "get-app-strings", Method: http.MethodGet, Path: "/app/strings", Tags: []string{"content"},
		Summary:     "Content strings of the client",
		Description: "About us, privacy policy and other HTML strings the app renders, keyed st_*.",
		Metadata:    surface.Permit("app:strings:read", surface.APIKey),
	}, func(ctx context.Context, _ *struct{}) (*StringsOutput, error) {
		strs, err := tenants.Strings(ctx, surface.PrincipalFrom(ctx).TenantID)
		if err != nil {
			return nil, err
		}
		return &StringsOutput{Body: surface.OK([]map[string]string{strs})}, nil
	})
}
