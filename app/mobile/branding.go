package mobile

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
)

// BrandingBody is how the client's apps and pages look.
type BrandingBody struct {
	DisplayName    string `json:"displayName"`
	PrimaryColor   string `json:"primaryColor,omitempty" example:"#0f766e" doc:"A colour like #1a2b3c; absent when the client set none."`
	SecondaryColor string `json:"secondaryColor,omitempty" example:"#f0fdfa"`
	LogoURL        string `json:"logoUrl,omitempty" doc:"An https URL; absent when the client set none."`
}

// BrandingOutput is the client's branding.
type BrandingOutput struct {
	Body surface.Envelope[BrandingBody]
}

// registerBranding answers the API key's client's name, colours and logo, so an app (or the
// client's admin console, before anyone signs in) can wear them. It is read from the tenant the
// key resolved to, with no query of its own.
func registerBranding(s *surface.Surface) {
	huma.Register(s.API, huma.Operation{
		OperationID: "get-app-branding", Method: http.MethodGet, Path: "/app/branding", Tags: []string{"content"},
		Summary:     "Branding of the client",
		Description: "Display name (the client's name when it set none), colours and logo URL.",
		Metadata:    surface.Permit("app:branding:read", surface.APIKey),
	}, func(ctx context.Context, _ *struct{}) (*BrandingOutput, error) {
		t := surface.PrincipalFrom(ctx).Tenant
		var b BrandingBody
		if t != nil {
			br := t.Branding
			b = BrandingBody{DisplayName: br.DisplayName, PrimaryColor: br.PrimaryColor, SecondaryColor: br.SecondaryColor, LogoURL: br.LogoURL}
			if b.DisplayName == "" {
				b.DisplayName = t.Name
			}
		}
		return &BrandingOutput{Body: surface.OK(b)}, nil
	})
}
