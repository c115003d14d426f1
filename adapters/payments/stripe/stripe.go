// Package stripe is the payment gateway of clients that take real payments: Stripe, through
// stripe-go. Customers carry the tenant and account in their metadata; cards are Stripe
// PaymentMethods attached to them; a charge is a PaymentIntent confirmed off-session at once;
// refunds refund it. Every write sends an Idempotency-Key made of the tenant and the caller's
// key, so one Stripe account serves every client without their keys colliding, and a retried
// charge is answered by Stripe with the first attempt's outcome.
package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	stripeapi "github.com/stripe/stripe-go/v82"
	"go.uber.org/fx"

	"github.com/stvos/stvos/ports"
)

// Name is the adapter's name in the catalog.
const Name = "stripe"

// Config is what the adapter needs.
type Config struct {
	// SecretKey is the platform's Stripe secret key (sk_… or a restricted rk_…). Without it the
	// adapter is not run and clients cannot choose it.
	SecretKey string
	// URL is the API's base URL; empty is Stripe's own. Tests point it at stripe-mock.
	URL string
	// HTTPClient, when set, makes the calls (tests observe requests through it).
	HTTPClient *http.Client
}

// Gateway implements ports.Payments over the Stripe API.
type Gateway struct {
	client *stripeapi.Client
}

var _ ports.Payments = (*Gateway)(nil)

// New returns the gateway for a secret key.
func New(cfg Config) (*Gateway, error) {
	if cfg.SecretKey == "" {
		return nil, errors.New("stripe: a secret key is needed")
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	bc := &stripeapi.BackendConfig{
		HTTPClient:        hc,
		LeveledLogger:     &stripeapi.LeveledLogger{Level: stripeapi.LevelNull}, // errors are returned, and logged once by the caller
		MaxNetworkRetries: stripeapi.Int64(2),                                   // retries resend the same Idempotency-Key
	}
	if cfg.URL != "" {
		bc.URL = stripeapi.String(strings.TrimRight(cfg.URL, "/"))
	}
	backends := &stripeapi.Backends{
		API:         stripeapi.GetBackendWithConfig(stripeapi.APIBackend, bc),
		Connect:     stripeapi.GetBackendWithConfig(stripeapi.ConnectBackend, bc),
		Uploads:     stripeapi.GetBackendWithConfig(stripeapi.UploadsBackend, bc),
		MeterEvents: stripeapi.GetBackendWithConfig(stripeapi.MeterEventsBackend, bc),
	}
	return &Gateway{client: stripeapi.NewClient(cfg.SecretKey, stripeapi.WithBackends(backends))}, nil
}

// Gateways answers the gateway as a member of the payments group when a secret key is set, and
// nothing otherwise: the server then runs without Stripe, and the adapter catalog refuses it.
func Gateways(cfg Config) ([]ports.Payments, error) {
	if cfg.SecretKey == "" {
		return nil, nil
	}
	g, err := New(cfg)
	if err != nil {
		return nil, err
	}
	return []ports.Payments{g}, nil
}

// Module provides the gateway to the payments gateways (group "payments") when configured.
var Module = fx.Module("payments-stripe",
	fx.Provide(fx.Annotate(Gateways, fx.ResultTags(`group:"payments,flatten"`))),
)

// Name implements ports.Payments.
func (*Gateway) Name() string { return Name }

// key scopes the caller's idempotency key to the tenant: Stripe's keys are per account, and
// every client shares the platform's.
func key(tenantID, what, k string) *string {
	return stripeapi.String("stvos:" + tenantID + ":" + what + ":" + k)
}

// EnsureCustomer creates the account's customer under a key made of the tenant and the
// reference, so that calls at once (and within Stripe's 24 hours of keys) answer one customer.
func (g *Gateway) EnsureCustomer(ctx context.Context, tenantID, reference string) (string, error) {
	if reference == "" {
		return "", ports.Invalid("reference", "is required")
	}
	p := &stripeapi.CustomerCreateParams{Metadata: map[string]string{"stvos_tenant_id": tenantID, "stvos_account_id": reference}}
	p.IdempotencyKey = key(tenantID, "customer", reference)
	c, err := g.client.V1Customers.Create(ctx, p)
	if err != nil {
		return "", translate(err, "customer")
	}
	return c.ID, nil
}

// AttachMethod attaches a PaymentMethod (pm_…, including Stripe's test pm_card_… names) to the
// customer; a legacy card token (tok_…) is first made into one.
func (g *Gateway) AttachMethod(ctx context.Context, tenantID, customerID, token string) (ports.PaymentMethod, error) {
	if err := ports.CheckPaymentToken(token); err != nil {
		return ports.PaymentMethod{}, err
	}
	id := token
	if strings.HasPrefix(token, "tok_") {
		pm, err := g.client.V1PaymentMethods.Create(ctx, &stripeapi.PaymentMethodCreateParams{
			Type: stripeapi.String(string(stripeapi.PaymentMethodTypeCard)), Card: &stripeapi.PaymentMethodCreateCardParams{Token: stripeapi.String(token)}})
		if err != nil {
			return ports.PaymentMethod{}, translate(err, "payment method")
		}
		id = pm.ID
	}
	pm, err := g.client.V1PaymentMethods.Attach(ctx, id, &stripeapi.PaymentMethodAttachParams{Customer: stripeapi.String(customerID)})
	if err != nil {
		return ports.PaymentMethod{}, translateAttach(err)
	}
	out := ports.PaymentMethod{ID: pm.ID, Type: string(pm.Type)}
	if pm.Card != nil {
		out.Brand, out.Last4 = string(pm.Card.Brand), pm.Card.Last4
		out.ExpMonth, out.ExpYear = int(pm.Card.ExpMonth), int(pm.Card.ExpYear)
	}
	if pm.BillingDetails != nil && pm.BillingDetails.Address != nil {
		out.BillingCountry = pm.BillingDetails.Address.Country
	}
	if out.Type != "card" || out.Last4 == "" {
		// Only cards are shown and charged today; leave nothing attached that stvos cannot show.
		_ = g.DetachMethod(context.WithoutCancel(ctx), tenantID, customerID, pm.ID)
		return ports.PaymentMethod{}, &ports.Error{Kind: ports.ErrInvalid, Code: "UNSUPPORTED_PAYMENT_METHOD",
			Message: "Only cards are accepted.", Fields: []ports.FieldError{{Field: "token", Reason: "is not a card"}}}
	}
	return out, nil
}

// DetachMethod detaches a PaymentMethod; one Stripe no longer knows is gone already.
func (g *Gateway) DetachMethod(ctx context.Context, _, _, methodID string) error {
	_, err := g.client.V1PaymentMethods.Detach(ctx, methodID, &stripeapi.PaymentMethodDetachParams{})
	if err = translate(err, "payment method"); errors.Is(err, ports.ErrNotFound) {
		return nil
	}
	return err
}

// Charge creates and confirms a PaymentIntent off-session under the tenant's idempotency key.
// Stripe answers a refusal with a card error, the failed intent's id in it; an intent that did
// not succeed at once (it needs the cardholder, or has no usable method) is a decline too.
func (g *Gateway) Charge(ctx context.Context, tenantID string, r ports.ChargeRequest) (ports.Charge, error) {
	if err := r.Check(); err != nil {
		return ports.Charge{}, err
	}
	p := &stripeapi.PaymentIntentCreateParams{
		Amount: stripeapi.Int64(r.Amount), Currency: stripeapi.String(strings.ToLower(r.Currency)),
		Customer: stripeapi.String(r.CustomerID), PaymentMethod: stripeapi.String(r.MethodID),
		PaymentMethodTypes: stripeapi.StringSlice([]string{"card"}),
		Confirm:            stripeapi.Bool(true), OffSession: stripeapi.Bool(true),
		Metadata: map[string]string{"stvos_tenant_id": tenantID},
	}
	if r.Description != "" {
		p.Description = stripeapi.String(r.Description)
	}
	p.IdempotencyKey = key(tenantID, "charge", r.IdempotencyKey)
	pi, err := g.client.V1PaymentIntents.Create(ctx, p)
	if err != nil {
		return ports.Charge{}, translate(err, "payment method")
	}
	switch pi.Status {
	case stripeapi.PaymentIntentStatusSucceeded:
		return ports.Charge{ID: pi.ID, Amount: pi.Amount, Currency: strings.ToUpper(string(pi.Currency)), Status: ports.PaymentSucceeded}, nil
	case stripeapi.PaymentIntentStatusProcessing:
		return ports.Charge{ID: pi.ID, Amount: pi.Amount, Currency: strings.ToUpper(string(pi.Currency)), Status: ports.PaymentPending}, nil
	case stripeapi.PaymentIntentStatusRequiresAction:
		return ports.Charge{}, &ports.DeclineError{Code: ports.DeclineAuthenticationRequired, ChargeID: pi.ID, Message: "the payment needs the cardholder"}
	}
	d := &ports.DeclineError{Code: ports.DeclineCardDeclined, ChargeID: pi.ID, Message: "payment intent " + string(pi.Status)}
	if e := pi.LastPaymentError; e != nil {
		d.Code, d.Message = declineCode(e.Code, e.DeclineCode), e.Msg
	}
	return ports.Charge{}, d
}

// Refund refunds a PaymentIntent, in part or all that is left.
func (g *Gateway) Refund(ctx context.Context, tenantID string, r ports.RefundRequest) (ports.Refund, error) {
	if err := r.Check(); err != nil {
		return ports.Refund{}, err
	}
	p := &stripeapi.RefundCreateParams{PaymentIntent: stripeapi.String(r.ChargeID), Metadata: map[string]string{"stvos_tenant_id": tenantID}}
	if r.Amount > 0 {
		p.Amount = stripeapi.Int64(r.Amount)
	}
	p.IdempotencyKey = key(tenantID, "refund", r.IdempotencyKey)
	rf, err := g.client.V1Refunds.Create(ctx, p)
	if err != nil {
		return ports.Refund{}, translate(err, "charge")
	}
	status := ports.PaymentSucceeded
	if rf.Status == stripeapi.RefundStatusPending || rf.Status == stripeapi.RefundStatusRequiresAction {
		status = ports.PaymentPending
	}
	return ports.Refund{ID: rf.ID, ChargeID: r.ChargeID, Amount: rf.Amount, Currency: strings.ToUpper(string(rf.Currency)), Status: status}, nil
}

// translate turns Stripe's errors into the port's kinds, once: card errors are declines; a
// missing object is not found; a reused key a conflict; other refused requests invalid input.
// Anything else (network, authentication, Stripe's own failures) is wrapped as it came.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	var se *stripeapi.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("stripe: %s: %w", what, err)
	}
	switch {
	case se.Type == stripeapi.ErrorTypeCard:
		d := &ports.DeclineError{Code: declineCode(se.Code, se.DeclineCode), Message: se.Msg}
		if se.PaymentIntent != nil {
			d.ChargeID = se.PaymentIntent.ID
		}
		return d
	case se.Code == stripeapi.ErrorCodeResourceMissing:
		return &ports.Error{Kind: ports.ErrNotFound, Code: strings.ToUpper(strings.ReplaceAll(what, " ", "_")) + "_NOT_FOUND",
			Message: "The " + what + " does not exist at the payment gateway.", Cause: err}
	case se.Type == stripeapi.ErrorTypeIdempotency || se.Code == stripeapi.ErrorCodeIdempotencyKeyInUse:
		return &ports.Error{Kind: ports.ErrConflict, Code: "IDEMPOTENCY_KEY_REUSED", Message: "The idempotency key was used for a different request.", Cause: err}
	case se.Code == stripeapi.ErrorCodeChargeAlreadyRefunded:
		return &ports.Error{Kind: ports.ErrConflict, Code: "CHARGE_ALREADY_REFUNDED", Message: "The charge has been refunded in full.", Cause: err}
	case se.Type == stripeapi.ErrorTypeInvalidRequest && se.HTTPStatusCode < 500 && se.HTTPStatusCode != http.StatusUnauthorized &&
		se.HTTPStatusCode != http.StatusForbidden && se.HTTPStatusCode != http.StatusTooManyRequests:
		field := se.Param
		if field == "" {
			field = what
		}
		return &ports.Error{Kind: ports.ErrInvalid, Code: "PAYMENT_GATEWAY_REFUSED", Message: "The payment gateway refused the request.",
			Fields: []ports.FieldError{{Field: field, Reason: "was refused by the payment gateway"}}, Cause: err}
	}
	return fmt.Errorf("stripe: %s: %w", what, err)
}

// translateAttach is translate for attaching, where a payment method Stripe does not know is the
// caller's token: invalid input, as the port says (a missing customer stays not found).
func translateAttach(err error) error {
	var se *stripeapi.Error
	out := translate(err, "payment method")
	if errors.Is(out, ports.ErrNotFound) && errors.As(err, &se) && se.Param != "customer" {
		return &ports.Error{Kind: ports.ErrInvalid, Code: "INVALID_PAYMENT_METHOD_TOKEN", Message: "Stripe does not know the payment method.",
			Fields: []ports.FieldError{{Field: "token", Reason: "is not a payment method Stripe knows"}}, Cause: err}
	}
	return out
}

// declineCode maps Stripe's error code and issuer decline code onto the port's words.
func declineCode(code stripeapi.ErrorCode, decline stripeapi.DeclineCode) ports.DeclineCode {
	switch string(decline) {
	case string(ports.DeclineInsufficientFunds), string(ports.DeclineExpiredCard), string(ports.DeclineIncorrectCVC),
		string(ports.DeclineProcessingError), string(ports.DeclineAuthenticationRequired):
		return ports.DeclineCode(decline)
	}
	switch code {
	case stripeapi.ErrorCodeExpiredCard:
		return ports.DeclineExpiredCard
	case stripeapi.ErrorCodeIncorrectCVC:
		return ports.DeclineIncorrectCVC
	case stripeapi.ErrorCodeProcessingError:
		return ports.DeclineProcessingError
	case stripeapi.ErrorCodeAuthenticationRequired:
		return ports.DeclineAuthenticationRequired
	}
	return ports.DeclineCardDeclined
}
