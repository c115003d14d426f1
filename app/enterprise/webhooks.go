package enterprise

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/partnertoken"
	"github.com/stvos/stvos/core/webhook"
)

// Webhook endpoints belong to onboarding: the events are an onboarding's status and locations
// bound, so the routes take the onboarding scope.
var (
	webhooksRead  = surface.PermitScoped("enterprise:webhook-endpoints:read", partnertoken.ScopeOnboarding, surface.EnterpriseToken)
	webhooksWrite = surface.PermitScoped("enterprise:webhook-endpoints:write", partnertoken.ScopeOnboarding, surface.EnterpriseToken)
)

// WebhookEndpointBody is a webhook endpoint.
type WebhookEndpointBody struct {
	ID        string    `json:"id" format:"uuid"`
	URL       string    `json:"url"`
	Events    []string  `json:"events" doc:"The events delivered: every endpoint hears all of them."`
	CreatedAt time.Time `json:"created_at"`
}

func webhookBody(e webhook.Endpoint) WebhookEndpointBody {
	return WebhookEndpointBody{ID: e.ID, URL: e.URL, Events: []string{webhook.EventOnboardingStatus, webhook.EventLocationsBound}, CreatedAt: e.CreatedAt}
}

// CreateWebhookEndpointInput registers an endpoint.
type CreateWebhookEndpointInput struct {
	OwnPartnerParam
	Body struct {
		URL string `json:"url" minLength:"1" maxLength:"2048" doc:"Absolute https URL (http only for loopback in development), never a private, link-local or metadata address; 422 naming url otherwise."`
	}
}

// CreatedWebhookEndpointBody is a new endpoint with its signing secret.
type CreatedWebhookEndpointBody struct {
	WebhookEndpointBody
	Secret string `json:"secret" doc:"The signing secret (whsec_…), shown only now: verify Stvos-Signature with it."`
}

// CreatedWebhookEndpointOutput answers the creation.
type CreatedWebhookEndpointOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         CreatedWebhookEndpointBody
}

// WebhookEndpointsOutput lists the partner's endpoints.
type WebhookEndpointsOutput struct {
	Body struct {
		WebhookEndpoints []WebhookEndpointBody `json:"webhook_endpoints"`
	}
}

// DeleteWebhookEndpointInput names an endpoint.
type DeleteWebhookEndpointInput struct {
	OwnPartnerParam
	ID string `path:"id" maxLength:"64"`
}

func registerWebhooks(s *surface.Surface, svc *webhook.Service) {
	huma.Register(s.API, huma.Operation{
		OperationID: "create-webhook-endpoint", Method: http.MethodPost, Path: "/webhook-endpoints", Tags: []string{"webhooks"},
		Summary: "Register a webhook endpoint",
		Description: "The partner hears onboarding.status_changed and locations.bound at the URL, signed with the secret answered " +
			"once (Stvos-Signature: t=<unix>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">). At most 10 endpoints per partner.",
		DefaultStatus: http.StatusCreated, Metadata: webhooksWrite,
		Errors: []int{http.StatusForbidden, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
	}, func(ctx context.Context, in *CreateWebhookEndpointInput) (*CreatedWebhookEndpointOutput, error) {
		c, err := onboardingCaller(ctx, in.PartnerID)
		if err != nil {
			return nil, err
		}
		e, secret, err := svc.CreateEndpoint(ctx, c.TenantID, c.PartnerID, in.Body.URL)
		if err != nil {
			return nil, err
		}
		return &CreatedWebhookEndpointOutput{CacheControl: "no-store", Body: CreatedWebhookEndpointBody{WebhookEndpointBody: webhookBody(e), Secret: secret}}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "list-webhook-endpoints", Method: http.MethodGet, Path: "/webhook-endpoints", Tags: []string{"webhooks"},
		Summary: "List webhook endpoints", Description: "The partner's endpoints, without their secrets.",
		Metadata: webhooksRead, Errors: []int{http.StatusForbidden},
	}, func(ctx context.Context, in *OwnPartnerParam) (*WebhookEndpointsOutput, error) {
		c, err := onboardingCaller(ctx, in.PartnerID)
		if err != nil {
			return nil, err
		}
		es, err := svc.Endpoints(ctx, c.TenantID, c.PartnerID)
		if err != nil {
			return nil, err
		}
		out := &WebhookEndpointsOutput{}
		out.Body.WebhookEndpoints = make([]WebhookEndpointBody, len(es))
		for i, e := range es {
			out.Body.WebhookEndpoints[i] = webhookBody(e)
		}
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "delete-webhook-endpoint", Method: http.MethodDelete, Path: "/webhook-endpoints/{id}", Tags: []string{"webhooks"},
		Summary:     "Delete a webhook endpoint",
		Description: "Deliveries waiting for it are dropped. Another partner's endpoint is 404.",
		Metadata:    webhooksWrite, DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusForbidden, http.StatusNotFound},
	}, func(ctx context.Context, in *DeleteWebhookEndpointInput) (*struct{}, error) {
		c, err := onboardingCaller(ctx, in.PartnerID)
		if err != nil {
			return nil, err
		}
		return nil, svc.DeleteEndpoint(ctx, c.TenantID, c.PartnerID, in.ID)
	})
}
