package enterprise

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/flagapi"
	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/flag"
	"github.com/stvos/stvos/core/partnertoken"
	"github.com/stvos/stvos/ports"
)

// PartnerQuery is the ?partner_id= of the flag operations: the caller's own partner.
type PartnerQuery struct {
	PartnerID string `query:"partner_id" required:"true" maxLength:"64" doc:"The caller's own partner; another partner's is 403 PARTNER_FORBIDDEN."`
}

// FlagContextsInput adds or removes contexts of a flag's targeting.
type FlagContextsInput struct {
	FlagKey string `path:"flagKey" maxLength:"100"`
	PartnerQuery
	Body flagapi.ContextsBody
}

// SegmentContextsInput adds or removes contexts of a segment.
type SegmentContextsInput struct {
	SegmentKey string `path:"segmentKey" maxLength:"100"`
	PartnerQuery
	Body flagapi.ContextsBody
}

// ContextsCountOutput answers how many contexts changed.
type ContextsCountOutput struct {
	Body flagapi.CountBody
}

// SearchContextsInput searches the partner's contexts.
type SearchContextsInput struct {
	Q         string `query:"q" maxLength:"256" doc:"Substring match on context key (case-insensitive)"`
	Kind      string `query:"kind" maxLength:"40" doc:"Context kind filter"`
	Limit     int    `query:"limit" minimum:"1" maximum:"50" default:"20" doc:"Maximum number of results (1-50)"`
	PartnerID string `query:"partner_id" maxLength:"64" doc:"The caller's own partner (optional); another partner's is 403 PARTNER_FORBIDDEN."`
}

// FoundContext is a context of the partner with where it is used.
type FoundContext struct {
	Key      string   `json:"key"`
	Kind     string   `json:"kind"`
	Flags    []string `json:"flags" doc:"Flags that target it individually."`
	Segments []string `json:"segments" doc:"Segments that include it."`
}

// SearchContextsOutput lists the partner's contexts.
type SearchContextsOutput struct {
	Body struct {
		Contexts []FoundContext `json:"contexts"`
	}
}

// EvaluateFlagInput evaluates a flag for a context.
type EvaluateFlagInput struct {
	FlagKey string `path:"flagKey" maxLength:"100"`
	PartnerQuery
	Body struct {
		Key  string `json:"key" minLength:"1" maxLength:"256" doc:"Context key (e.g., user or entity id)"`
		Kind string `json:"kind,omitempty" default:"user" doc:"Context kind"`
	}
}

// EvaluateFlagOutput is the specification's evaluation answer.
type EvaluateFlagOutput struct {
	Body struct {
		FlagKey string `json:"flagKey"`
		Value   any    `json:"value" doc:"The flag's value for the context, of the flag's type."`
		Enabled bool   `json:"enabled" doc:"Whether the flag is on."`
	}
}

// registerFlags adds the partner's feature flag operations. Each needs an enterprise token with
// the flags scope and acts for the token's own partner: the contexts a partner adds are its own,
// and it sees, searches and removes only those. Evaluation is the client's (any owner's targets
// count), in the documented order: off, individual targets, segment rules, default.
func registerFlags(s *surface.Surface, svc *flag.Service) {
	access := func(act string) map[string]any {
		return surface.PermitScoped("enterprise:flags:"+act, partnertoken.ScopeFlags, surface.EnterpriseToken)
	}
	owner := func(ctx context.Context, partnerID string) (flag.Owner, string, error) {
		if err := surface.OwnPartner(ctx, partnerID); err != nil {
			return flag.Owner{}, "", err
		}
		p := surface.PrincipalFrom(ctx)
		return flag.Owner{PartnerID: p.PartnerID, By: p.Actor()}, p.TenantID, nil
	}
	count := func(n int, err error) (*ContextsCountOutput, error) {
		if err != nil {
			return nil, err
		}
		return &ContextsCountOutput{Body: flagapi.CountBody{Count: n}}, nil
	}
	errs := []int{http.StatusNotFound, http.StatusUnprocessableEntity}
	change := func(id, path, summary, desc string, fn func(ctx context.Context, tenantID string, o flag.Owner, key string, cs []flag.Context) (int, error)) {
		if path[:6] == "/flags" {
			huma.Register(s.API, huma.Operation{OperationID: id, Method: http.MethodPost, Path: path, Tags: []string{"flags"},
				Summary: summary, Description: desc, Metadata: access("write"), Errors: errs},
				func(ctx context.Context, in *FlagContextsInput) (*ContextsCountOutput, error) {
					o, tenantID, err := owner(ctx, in.PartnerID)
					if err != nil {
						return nil, err
					}
					return count(fn(ctx, tenantID, o, in.FlagKey, flagapi.Contexts(in.Body.Contexts)))
				})
			return
		}
		huma.Register(s.API, huma.Operation{OperationID: id, Method: http.MethodPost, Path: path, Tags: []string{"segments"},
			Summary: summary, Description: desc, Metadata: access("write"), Errors: errs},
			func(ctx context.Context, in *SegmentContextsInput) (*ContextsCountOutput, error) {
				o, tenantID, err := owner(ctx, in.PartnerID)
				if err != nil {
					return nil, err
				}
				return count(fn(ctx, tenantID, o, in.SegmentKey, flagapi.Contexts(in.Body.Contexts)))
			})
	}
	change("add-flag-targeting", "/flags/{flagKey}/targeting/add", "Add contexts to a flag's targeting",
		"The contexts (kind user when absent) become the partner's individual targets of the flag: while the flag is on they "+
			"get its target variation. Ones the partner already targets stay. Answers how many were added. Audit-logged.", svc.AddTargets)
	change("remove-flag-targeting", "/flags/{flagKey}/targeting/remove", "Remove contexts from a flag's targeting",
		"Removes the partner's own targets among the contexts; other partners' and the client's stay.", svc.RemoveTargets)
	change("add-segment-contexts", "/segments/{segmentKey}/contexts/add", "Add contexts to a segment",
		"The contexts join the segment as the partner's. Answers how many were added. Audit-logged.", svc.AddMembers)
	change("remove-segment-contexts", "/segments/{segmentKey}/contexts/remove", "Remove contexts from a segment",
		"Removes the partner's own contexts among those given from the segment.", svc.RemoveMembers)

	huma.Register(s.API, huma.Operation{OperationID: "search-contexts", Method: http.MethodGet, Path: "/contexts/search",
		Tags: []string{"contexts"}, Summary: "Search contexts accessible to the partner across flags and segments",
		Description: "The partner's own contexts (targets of flags and members of segments) whose key contains q, of the kind " +
			"when given, in (kind, key) order, each with the flags and segments it is used in.",
		Metadata: access("read"), Errors: []int{http.StatusUnprocessableEntity}},
		func(ctx context.Context, in *SearchContextsInput) (*SearchContextsOutput, error) {
			o, tenantID, err := owner(ctx, in.PartnerID)
			if err != nil {
				return nil, err
			}
			found, err := svc.SearchContexts(ctx, tenantID, o.PartnerID, in.Q, in.Kind, in.Limit)
			if err != nil {
				return nil, err
			}
			out := &SearchContextsOutput{}
			out.Body.Contexts = make([]FoundContext, len(found))
			for i, c := range found {
				out.Body.Contexts[i] = FoundContext{Key: c.Key, Kind: c.Kind, Flags: c.Flags, Segments: c.Segments}
			}
			return out, nil
		})

	huma.Register(s.API, huma.Operation{OperationID: "evaluate-flag", Method: http.MethodPost, Path: "/flags/{flagKey}/evaluate",
		Tags: []string{"flags"}, Summary: "Evaluate a flag for a given context key/kind",
		Description: "Evaluation order: off (the off variation) → individual targets (the target variation) → segment rules in " +
			"order → the default variation. enabled says whether the flag is on.",
		Metadata: access("read"), Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity}},
		func(ctx context.Context, in *EvaluateFlagInput) (*EvaluateFlagOutput, error) {
			_, tenantID, err := owner(ctx, in.PartnerID)
			if err != nil {
				return nil, err
			}
			r, err := svc.Evaluate(ctx, tenantID, in.FlagKey, flag.Context{Key: in.Body.Key, Kind: in.Body.Kind})
			switch {
			case errors.Is(err, flag.ErrFlagNotFound):
				return nil, ports.NotFound("flag")
			case errors.Is(err, flag.ErrTargetingKeyMissing):
				return nil, ports.Invalid("key", "is required")
			case err != nil:
				return nil, err
			}
			out := &EvaluateFlagOutput{}
			out.Body.FlagKey, out.Body.Value, out.Body.Enabled = r.Key, r.Value, r.On
			return out, nil
		})
}
