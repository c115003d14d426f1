package ports

import (
	"context"
	"errors"
	"strings"
	"unicode"
)

// Payments is a payment gateway: it keeps a customer per account, holds the payment methods
// attached to customers (the gateway keeps the card; stvos keeps only the gateway's id, the
// brand, the last four digits and the expiry), charges them and refunds charges. Each client
// chooses its gateway (the adapter catalog's "payments" port); every call names the tenant it
// acts for, so a gateway that keeps state keeps each tenant's apart and scopes idempotency keys
// to it.
//
// Errors: invalid input (checked before the gateway is reached, alike in every adapter; an
// unknown or unusable token) is ErrInvalid; an unknown customer, method or charge, or one of
// another tenant, is ErrNotFound; an idempotency key reused for a different request, or a
// refund of a charge with nothing left to refund, is ErrConflict; a payment the card issuer or
// the gateway refused is a *DeclineError (errors.Is(err, ErrDeclined)). Anything else is the
// gateway being unreachable or failing, wrapped as it came.
type Payments interface {
	// Name is the adapter's name in the catalog ("sandbox", "stripe").
	Name() string
	// EnsureCustomer answers the gateway's customer for an account (reference: the account's
	// id), creating it the first time. Calls with the same tenant and reference made at once
	// answer the same customer; the caller keeps the id and asks again only when it has none.
	EnsureCustomer(ctx context.Context, tenantID, reference string) (customerID string, err error)
	// AttachMethod attaches the payment method a client-side SDK tokenised to the customer and
	// answers what may be shown of it. A card the issuer refuses is a *DeclineError.
	AttachMethod(ctx context.Context, tenantID, customerID, token string) (PaymentMethod, error)
	// DetachMethod detaches a method from its customer: it can no longer be charged. Detaching
	// a method that is not attached to the customer (detached already, unknown) does nothing.
	DetachMethod(ctx context.Context, tenantID, customerID, methodID string) error
	// Charge takes an amount from a customer's method. The request's idempotency key reaches
	// the gateway: a charge retried with the same key (after a timeout, from another process)
	// answers the first attempt's outcome, success or decline, and never charges twice; the
	// same key with a different request is ErrConflict. A refused payment is a *DeclineError
	// carrying the failed attempt's id.
	Charge(ctx context.Context, tenantID string, r ChargeRequest) (Charge, error)
	// Refund gives back part or all of what is left of a successful charge; it is idempotent
	// by its key as Charge is. More than what is left is ErrInvalid; nothing left, or a charge
	// that did not succeed, is ErrConflict.
	Refund(ctx context.Context, tenantID string, r RefundRequest) (Refund, error)
}

// PaymentMethod is what a gateway answers of an attached method: never the card number.
type PaymentMethod struct {
	// ID is the gateway's id of the method (pm_…), the only thing a charge needs.
	ID string
	// Type is "card".
	Type string
	// Brand is the card network in lower case: visa, mastercard, amex, discover, …
	Brand string
	// Last4 is the last four digits of the card number.
	Last4 string
	// ExpMonth (1-12) and ExpYear (four digits) are the card's expiry: valid through the end
	// of that month.
	ExpMonth int
	ExpYear  int
	// BillingCountry is the ISO 3166-1 alpha-2 country of the billing address, when the
	// gateway knows it.
	BillingCountry string
}

// ChargeRequest asks for an amount from a customer's method.
type ChargeRequest struct {
	CustomerID string
	MethodID   string
	// Amount is in minor units of the currency as ISO 4217 counts them (999 is 9.99 USD, 500
	// is 500 JPY), more than zero.
	Amount int64
	// Currency is the ISO 4217 code in upper case.
	Currency string
	// IdempotencyKey names the charge at the gateway, unique per tenant: the caller derives it
	// from what is being paid (an invoice and its attempt), so a retry sends the same key.
	IdempotencyKey string
	// Description is shown on the gateway's dashboard; optional.
	Description string
}

// The statuses of a charge or refund the gateway accepted.
const (
	// PaymentSucceeded: the money moved.
	PaymentSucceeded = "succeeded"
	// PaymentPending: the gateway accepted it and will settle it later (some bank methods).
	PaymentPending = "pending"
)

// Charge is a charge the gateway accepted.
type Charge struct {
	ID       string
	Amount   int64
	Currency string
	// Status is PaymentSucceeded or PaymentPending.
	Status string
}

// RefundRequest gives back money of a charge.
type RefundRequest struct {
	ChargeID string
	// Amount in minor units; 0 refunds all that is left.
	Amount int64
	// IdempotencyKey names the refund at the gateway, unique per tenant, as for charges.
	IdempotencyKey string
}

// Refund is a refund the gateway accepted.
type Refund struct {
	ID       string
	ChargeID string
	Amount   int64
	Currency string
	// Status is PaymentSucceeded or PaymentPending.
	Status string
}

// DeclineCode says why a payment was refused, in the gateway-neutral words the core maps.
type DeclineCode string

// The decline codes. Gateways map their own reasons onto these; a reason they do not name
// (lost or stolen card, suspected fraud: never told to the payer) is DeclineCardDeclined.
const (
	DeclineCardDeclined           DeclineCode = "card_declined"
	DeclineInsufficientFunds      DeclineCode = "insufficient_funds"
	DeclineExpiredCard            DeclineCode = "expired_card"
	DeclineIncorrectCVC           DeclineCode = "incorrect_cvc"
	DeclineProcessingError        DeclineCode = "processing_error"
	DeclineAuthenticationRequired DeclineCode = "authentication_required"
)

// ErrDeclined is the kind of every *DeclineError.
var ErrDeclined = errors.New("payment declined")

// DeclineError is a payment or a card the issuer or the gateway refused.
type DeclineError struct {
	Code DeclineCode
	// ChargeID is the gateway's id of the failed charge attempt, when one was recorded.
	ChargeID string
	// Message is the gateway's explanation, for logs.
	Message string
}

// Error implements error.
func (e *DeclineError) Error() string {
	s := "payment declined: " + string(e.Code)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Is makes errors.Is(err, ErrDeclined) hold.
func (e *DeclineError) Is(target error) bool { return target == ErrDeclined }

// AsDecline returns err as a *DeclineError, or nil.
func AsDecline(err error) *DeclineError {
	var d *DeclineError
	if errors.As(err, &d) {
		return d
	}
	return nil
}

// Bounds of payment requests, the same in every adapter.
const (
	// MaxPaymentTokenLength bounds a client-side SDK's token.
	MaxPaymentTokenLength = 255
	// MaxIdempotencyKeyLength leaves room within the gateways' own bound (Stripe: 255) for the
	// tenant the adapter prefixes.
	MaxIdempotencyKeyLength = 200
	// MaxChargeAmount bounds one charge: 10^12 minor units, far above any plan's price.
	MaxChargeAmount = 1_000_000_000_000
)

// CheckPaymentToken refuses what cannot be a client-side SDK's token: empty, too long, or with
// spaces or control characters.
func CheckPaymentToken(token string) error {
	var v Validation
	v.Check(token != "" && len(token) <= MaxPaymentTokenLength && !strings.ContainsFunc(token, notTokenRune),
		"token", "must be a payment method token of at most 255 characters, without spaces")
	return v.Err()
}

func notTokenRune(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || r > unicode.MaxASCII
}

// Check refuses a charge request that breaks the port's rules, before any gateway sees it.
func (r ChargeRequest) Check() error {
	var v Validation
	v.Check(r.CustomerID != "", "customer_id", "is required")
	v.Check(r.MethodID != "", "method_id", "is required")
	v.Check(r.Amount > 0 && r.Amount <= MaxChargeAmount, "amount", "must be a whole number of minor units from 1 to 10^12")
	v.Check(isCurrencyCode(r.Currency), "currency", "must be an ISO 4217 code in upper case, such as USD")
	checkKey(&v, r.IdempotencyKey)
	return v.Err()
}

// Check refuses a refund request that breaks the port's rules, before any gateway sees it.
func (r RefundRequest) Check() error {
	var v Validation
	v.Check(r.ChargeID != "", "charge_id", "is required")
	v.Check(r.Amount >= 0 && r.Amount <= MaxChargeAmount, "amount", "must be 0 (all that is left) or a whole number of minor units up to 10^12")
	checkKey(&v, r.IdempotencyKey)
	return v.Err()
}

func checkKey(v *Validation, key string) {
	v.Check(key != "" && len(key) <= MaxIdempotencyKeyLength && !strings.ContainsFunc(key, notTokenRune),
		"idempotency_key", "must be 1 to 200 printable ASCII characters without spaces")
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, c := range s {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}
