package partner

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/tenant"
)

// StringsOutput is the client's content strings, keyed st_*.
type StringsOutput struct {
	Body surface.Envelope[map[string]string]
}

// UpdateStringsInput is the strings to change; keys not sent stay as they are.
type UpdateStringsInput struct {
	Body map[string]string `doc:"Keys st_ then 1 to 60 lower-case letters, digits or '_'; values HTML of at most 65536 bytes; at most 50 keys per client."`
}

func registerStrings(s *surface.Surface, tenants *tenant.Service) {
	huma.Register(s.API, huma.Operation{
		OperationID: "get-partner-strings", Method: http.MethodGet, Path: "/partner/strings", Tags: []string{"content"},
		Summary:     "Get the client's content strings",
		Description: "About us, privacy policy and other HTML strings the client's apps render (GET /app/strings). Every staff role may read them.",
		Metadata:    surface.Permit("partner:strings:read", surface.StaffToken),
	}, func(ctx context.Context, _ *struct{}) (*StringsOutput, error) {
		strs, err := tenants.Strings(ctx, surface.PrincipalFrom(ctx).TenantID)
		if err != nil {
			return nil, err
		}
		return &StringsOutput{Body: surface.OK(strs)}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "update-partner-strings", Method: http.MethodPut, Path: "/partner/strings", Tags: []string{"content"},
		Summary: "Change some content strings",
		Description: "Merges the keys sent into the client's strings (keys not sent stay as they are) and answers all of them. " +
			"The HTML is sanitized before it is stored, since apps render it: headings, paragraphs, lists, tables, images and " +
			"http(s)/mailto links stay; scripts, event handlers (onclick…), styles, frames, forms and javascript: or data: URLs " +
			"are removed. The answer shows what was stored. A request body holds at most 4 MiB (413 beyond). Admins and owners; " +
			"the change is audit-logged.",
		Metadata: surface.Permit("partner:strings:write", surface.StaffToken), MaxBodyBytes: 4 << 20,
		Errors: []int{http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge},
	}, func(ctx context.Context, in *UpdateStringsInput) (*StringsOutput, error) {
		p := surface.PrincipalFrom(ctx)
		strs, err := tenants.UpdateStrings(ctx, p.TenantID, p.Actor(), in.Body)
		if err != nil {
			return nil, err
		}
		return &StringsOutput{Body: surface.OK(strs)}, nil
	})
}
