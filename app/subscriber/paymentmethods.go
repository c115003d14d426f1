package subscriber

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/payment"
)

// PaymentMethodBody is a payment method as the specification shows it: never a card number.
type PaymentMethodBody struct {
	ID             string    `json:"id" format:"uuid"`
	Type           string    `json:"type" enum:"card" doc:"The kind of method; cards only today."`
	Brand          string    `json:"brand" example:"visa" doc:"Card network, lower case: visa, mastercard, amex, discover, …"`
	Last4          string    `json:"last4" example:"4242" doc:"The last four digits of the card number."`
	ExpMonth       int       `json:"exp_month" minimum:"1" maximum:"12" example:"12"`
	ExpYear        int       `json:"exp_year" example:"2029"`
	IsExpired      bool      `json:"is_expired" doc:"Whether the card's expiry month has ended (UTC)."`
	IsDefault      bool      `json:"is_default" doc:"Whether renewals charge this method; an account with methods has exactly one default."`
	BillingName    *string   `json:"billing_name" nullable:"true" doc:"The name given when the method was added; null when none was."`
	BillingCountry *string   `json:"billing_country" nullable:"true" example:"US" doc:"Country of the billing address (ISO 3166-1 alpha-2), when the payment gateway knows it."`
	WalletEmail    *string   `json:"wallet_email" nullable:"true" format:"email" doc:"The account email of a wallet method; null for cards."`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func paymentMethodBody(m payment.Method, now time.Time) PaymentMethodBody {
	return PaymentMethodBody{ID: m.ID, Type: m.Type, Brand: m.Brand, Last4: m.Last4, ExpMonth: m.ExpMonth, ExpYear: m.ExpYear,
		IsExpired: m.Expired(now), IsDefault: m.IsDefault, BillingName: nullable(m.BillingName), BillingCountry: nullable(m.BillingCountry),
		CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

// AddPaymentMethodInput attaches a tokenised method.
type AddPaymentMethodInput struct {
	Body struct {
		PaymentMethodToken string `json:"payment_method_token" minLength:"1" maxLength:"255" example:"pm_card_visa" doc:"Token from client-side payment SDK. Never send raw card data."`
		SetAsDefault       bool   `json:"set_as_default,omitempty" default:"false" doc:"Make it the default at once (the account's first method always is)."`
		BillingName        string `json:"billing_name,omitempty" maxLength:"100"`
	}
}

// PaymentMethodIDInput names a payment method.
type PaymentMethodIDInput struct {
	PMID string `path:"pm_id" format:"uuid"`
}

// PaymentMethodOutput is one payment method.
type PaymentMethodOutput struct {
	Body PaymentMethodBody
}

// PaymentMethodListOutput is every payment method of the account.
type PaymentMethodListOutput struct {
	Body struct {
		Data []PaymentMethodBody `json:"data"`
	}
}

func registerPaymentMethods(s *surface.Surface, methods *payment.Service) {
	read := surface.PermitScoped("self:payment-methods:read", "subscription:read", surface.UserToken)
	write := func() map[string]any { return surface.Permit("self:payment-methods:write", surface.UserToken) }
	one := func(m payment.Method, err error) (*PaymentMethodOutput, error) {
		if err != nil {
			return nil, err
		}
		return &PaymentMethodOutput{Body: paymentMethodBody(m, methods.Now())}, nil
	}
	huma.Register(s.API, huma.Operation{
		OperationID: "list-payment-methods", Method: http.MethodGet, Path: "/payment-methods", Tags: []string{"payment-methods"},
		Summary:     "List payment methods",
		Description: "Returns saved payment methods, in the order they were added (at most 20). Full card numbers are never returned.",
		Metadata:    read,
	}, func(ctx context.Context, _ *struct{}) (*PaymentMethodListOutput, error) {
		p := surface.PrincipalFrom(ctx)
		ms, err := methods.List(ctx, p.TenantID, p.Subject)
		if err != nil {
			return nil, err
		}
		out := &PaymentMethodListOutput{}
		out.Body.Data = make([]PaymentMethodBody, len(ms))
		now := methods.Now()
		for i, m := range ms {
			out.Body.Data[i] = paymentMethodBody(m, now)
		}
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "add-payment-method", Method: http.MethodPost, Path: "/payment-methods", Tags: []string{"payment-methods"},
		Summary: "Add payment method",
		Description: "Attaches a tokenised payment method to the account through the client's payment gateway. The " +
			"payment_method_token must be obtained from the client-side payment SDK (Stripe, Braintree, etc.). Never send raw " +
			"card data to this API: a card number is refused. The account's first method becomes its default. A card the " +
			"gateway refuses answers 422 with code CARD_DECLINED (or EXPIRED_CARD, INCORRECT_CVC, AUTHENTICATION_REQUIRED, " +
			"PAYMENT_PROCESSING_ERROR) and the field payment_method_token; a token the gateway does not know, " +
			"INVALID_PAYMENT_METHOD_TOKEN. An account holds at most 20 methods (409 TOO_MANY_PAYMENT_METHODS). Audit-logged.",
		DefaultStatus: http.StatusCreated,
		Metadata:      surface.Idempotent(write()),
		Errors:        []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *AddPaymentMethodInput) (*PaymentMethodOutput, error) {
		p := surface.PrincipalFrom(ctx)
		return one(methods.Add(ctx, p.TenantID, p.Actor(), p.Subject, payment.NewMethod{Token: in.Body.PaymentMethodToken,
			SetAsDefault: in.Body.SetAsDefault, BillingName: in.Body.BillingName}))
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-payment-method", Method: http.MethodGet, Path: "/payment-methods/{pm_id}", Tags: []string{"payment-methods"},
		Summary: "Get payment method", Metadata: read, Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *PaymentMethodIDInput) (*PaymentMethodOutput, error) {
		p := surface.PrincipalFrom(ctx)
		return one(methods.Get(ctx, p.TenantID, p.Subject, in.PMID))
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "remove-payment-method", Method: http.MethodDelete, Path: "/payment-methods/{pm_id}", Tags: []string{"payment-methods"},
		Summary: "Remove payment method",
		Description: "Cannot remove the default payment method if an active subscription exists (409 " +
			"DEFAULT_PAYMENT_METHOD_IN_USE). Otherwise removing the default makes the most recently added remaining method the " +
			"default. The method is detached at the payment gateway. Audit-logged.",
		DefaultStatus: http.StatusNoContent, Metadata: write(), Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, func(ctx context.Context, in *PaymentMethodIDInput) (*struct{}, error) {
		p := surface.PrincipalFrom(ctx)
		return nil, methods.Remove(ctx, p.TenantID, p.Actor(), p.Subject, in.PMID)
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "set-default-payment-method", Method: http.MethodPost, Path: "/payment-methods/{pm_id}/default",
		Tags: []string{"payment-methods"}, Summary: "Set default payment method",
		Description: "Renewals charge the default method. Audit-logged.",
		Metadata:    write(), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *PaymentMethodIDInput) (*PaymentMethodOutput, error) {
		p := surface.PrincipalFrom(ctx)
		return one(methods.SetDefault(ctx, p.TenantID, p.Actor(), p.Subject, in.PMID))
	})
}
