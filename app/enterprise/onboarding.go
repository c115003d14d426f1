package enterprise

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/onboarding"
	"github.com/stvos/stvos/core/partnertoken"
	"github.com/stvos/stvos/ports"
)

// onboardingRead and onboardingWrite are the access of the onboarding routes: an enterprise
// token with the onboarding scope.
var (
	onboardingRead  = surface.PermitScoped("enterprise:onboarding:read", partnertoken.ScopeOnboarding, surface.EnterpriseToken)
	onboardingWrite = surface.PermitScoped("enterprise:onboarding:write", partnertoken.ScopeOnboarding, surface.EnterpriseToken)
)

// OwnPartnerParam is the optional ?partner_id= every onboarding route accepts: the caller's own
// partner, or absent.
type OwnPartnerParam struct {
	PartnerID string `query:"partner_id" maxLength:"64" doc:"The caller's own partner (optional); another partner's is 403 PARTNER_FORBIDDEN."`
}

// onboardingCaller checks ?partner_id= and answers who acts.
func onboardingCaller(ctx context.Context, partnerID string) (onboarding.Caller, error) {
	if err := surface.OwnPartner(ctx, partnerID); err != nil {
		return onboarding.Caller{}, err
	}
	p := surface.PrincipalFrom(ctx)
	return onboarding.Caller{TenantID: p.TenantID, PartnerID: p.PartnerID}, nil
}

// OnboardingBody is an onboarding, as the specification shows it.
type OnboardingBody struct {
	ID            string `json:"_id" format:"uuid"`
	OrgID         string `json:"org_id" format:"uuid"`
	MerchantID    string `json:"merchant_id" doc:"The merchant at the provider; empty until the onboarding is active."`
	Type          string `json:"type" enum:"pos,dsp"`
	Status        string `json:"status" enum:"pending,active,failed" doc:"pending until completed; active once the code was exchanged; failed when the provider refused the code (start a new onboarding)."`
	PartnerID     string `json:"partner_id" format:"uuid"`
	PartnerOrgID  string `json:"partner_org_id" doc:"The organization's provider_id: the partner's own id of it."`
	Source        string `json:"source" doc:"The provider (sandbox, or a source the client configured)."`
	EntryURL      string `json:"entry_url" doc:"Send the merchant here to grant access; it carries a fresh state."`
	ReturnURL     string `json:"return_url" doc:"Where the provider sends the merchant back with code and state."`
	IntegrationID string `json:"integration_id" doc:"The integration, once active; empty before."`
}

func onboardingBody(o onboarding.Onboarding) OnboardingBody {
	return OnboardingBody{ID: o.ID, OrgID: o.OrgID, MerchantID: o.MerchantID, Type: o.Type, Status: o.Status, PartnerID: o.PartnerID,
		PartnerOrgID: o.PartnerOrgID, Source: o.Source, EntryURL: o.EntryURL, ReturnURL: o.ReturnURL, IntegrationID: o.IntegrationID}
}

// BeginOnboardingInput initializes an OAuth integration flow, as the specification's body.
type BeginOnboardingInput struct {
	OwnPartnerParam
	Body struct {
		OrgID     string `json:"org_id" maxLength:"64" doc:"An organization of the caller's partner (POST /organizations); another's is 404."`
		Source    string `json:"source" minLength:"1" maxLength:"64" doc:"The provider: sandbox (built in), or a source the client configured."`
		Type      string `json:"type" enum:"pos,dsp"`
		ReturnURL string `json:"return_url" minLength:"1" maxLength:"2048" doc:"Absolute https URL (http only for loopback in development), never a private, link-local or metadata address; 422 naming return_url otherwise."`
	}
}

// OnboardingWrapped is the answer of POST /onboarding.
type OnboardingWrapped struct {
	Onboarding OnboardingBody `json:"onboarding"`
}

// BeginOnboardingOutput answers POST /onboarding.
type BeginOnboardingOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         OnboardingWrapped
}

// OnboardingIDInput names an onboarding.
type OnboardingIDInput struct {
	OwnPartnerParam
	ID string `path:"id" maxLength:"64"`
}

// OnboardingOutput answers an onboarding, without wrapper.
type OnboardingOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         OnboardingBody
}

// CompleteOnboardingInput exchanges the code of the redirect.
type CompleteOnboardingInput struct {
	OwnPartnerParam
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Code  string `json:"code" minLength:"1" maxLength:"2048" doc:"The code the provider added to return_url."`
		State string `json:"state,omitempty" maxLength:"256" doc:"The state the provider added to return_url; checked when given."`
	}
}

func registerOnboarding(s *surface.Surface, svc *onboarding.Service) {
	huma.Register(s.API, huma.Operation{
		OperationID: "begin-onboarding", Method: http.MethodPost, Path: "/onboarding", Tags: []string{"onboarding"},
		Summary: "Initialize OAuth integration flow",
		Description: "Starts connecting one of the partner's organizations to a POS or DSP provider: the answer, pending, carries the " +
			"entry_url to send the merchant to (with a fresh state). The provider sends the merchant back to return_url with code and " +
			"state; complete the onboarding with them.",
		DefaultStatus: http.StatusCreated, Metadata: onboardingWrite,
		Errors: []int{http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *BeginOnboardingInput) (*BeginOnboardingOutput, error) {
		c, err := onboardingCaller(ctx, in.PartnerID)
		if err != nil {
			return nil, err
		}
		b := in.Body
		o, err := svc.Begin(ctx, c, onboarding.Start{OrgID: b.OrgID, Source: b.Source, Type: b.Type, ReturnURL: b.ReturnURL})
		if err != nil {
			return nil, err
		}
		return &BeginOnboardingOutput{CacheControl: "no-store", Body: OnboardingWrapped{Onboarding: onboardingBody(o)}}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-onboarding", Method: http.MethodGet, Path: "/onboarding/{id}", Tags: []string{"onboarding"},
		Summary:     "Get OAuth integration status",
		Description: "One of the partner's onboardings (another partner's is 404).",
		Metadata:    onboardingRead, Errors: []int{http.StatusForbidden, http.StatusNotFound},
	}, func(ctx context.Context, in *OnboardingIDInput) (*OnboardingOutput, error) {
		c, err := onboardingCaller(ctx, in.PartnerID)
		if err != nil {
			return nil, err
		}
		o, err := svc.Get(ctx, c, in.ID)
		if err != nil {
			return nil, err
		}
		return &OnboardingOutput{CacheControl: "no-store", Body: onboardingBody(o)}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "complete-onboarding", Method: http.MethodPost, Path: "/onboarding/{id}/complete", Tags: []string{"onboarding"},
		Summary: "Complete OAuth integration",
		Description: "Exchanges the code of the redirect, once: the onboarding becomes active (409 ONBOARDING_NOT_PENDING when it " +
			"was completed already). A code the provider refuses is 422 naming code, and the onboarding becomes failed. A state, " +
			"when sent, must be the onboarding's. The partner's webhook endpoints hear onboarding.status_changed.",
		Metadata: onboardingWrite, Errors: []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CompleteOnboardingInput) (*OnboardingOutput, error) {
		c, err := onboardingCaller(ctx, in.PartnerID)
		if err != nil {
			return nil, err
		}
		o, err := svc.Complete(ctx, c, in.ID, in.Body.Code, in.Body.State)
		if err != nil {
			return nil, err
		}
		return &OnboardingOutput{CacheControl: "no-store", Body: onboardingBody(o)}, nil
	})
	registerOnboardingLocations(s, svc)
}

// AddressBody is a postal address, as the specification shows it.
type AddressBody struct {
	FormattedAddress             string  `json:"formatted_address"`
	AddressLine1                 string  `json:"address_line_1"`
	AddressLine2                 string  `json:"address_line_2"`
	AddressLine3                 string  `json:"address_line_3"`
	PostalCode                   string  `json:"postal_code"`
	Locality                     string  `json:"locality"`
	AdministrativeDistrictLevel1 string  `json:"administrative_district_level_1"`
	Country                      string  `json:"country"`
	Latitude                     float64 `json:"latitude"`
	Longitude                    float64 `json:"longitude"`
}

func addressBody(a ports.Address) AddressBody { return AddressBody(a) }
