// Package payment is a subscriber's payment methods: cards a client-side payment SDK tokenised,
// attached through the client's payment gateway (ports.Payments), of which stvos keeps only the
// gateway's ids, the brand, the last four digits and the expiry, never card data. An account's
// first method becomes its default; the default cannot be removed while the account has an
// active subscription, since renewals charge it.
package payment

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/ports"
)

// Limits of payment methods.
const (
	// MaxMethods bounds an account's payment methods, so that listing them all is one small
	// answer.
	MaxMethods = 20
	// MaxBillingNameLength bounds the name on a method.
	MaxBillingNameLength = 100
)

// TypeCard is the type of card methods, the only type gateways attach today.
const TypeCard = "card"

// Method is one payment method of an account.
type Method struct {
	ID       string
	TenantID string
	UserID   string
	// Gateway is the adapter the method was attached with ("sandbox", "stripe"); it is the one
	// that charges and detaches it, even after the client chose another gateway.
	Gateway string
	// CustomerID is the gateway's customer of the account; GatewayID the gateway's method.
	CustomerID string
	GatewayID  string
	Type       string
	Brand      string
	Last4      string
	ExpMonth   int
	ExpYear    int
	// BillingName is the name the subscriber gave; BillingCountry what the gateway knows of
	// the billing address (ISO 3166-1 alpha-2), either may be empty.
	BillingName    string
	BillingCountry string
	IsDefault      bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Expired reports whether the card's expiry has passed at now: a card is valid through the
// last day of its expiry month (UTC).
func (m Method) Expired(now time.Time) bool {
	if m.ExpYear == 0 || m.ExpMonth < 1 || m.ExpMonth > 12 {
		return false
	}
	end := time.Date(m.ExpYear, time.Month(m.ExpMonth)+1, 1, 0, 0, 0, 0, time.UTC)
	return !now.Before(end)
}

// NewMethod is what a subscriber gives to add a payment method.
type NewMethod struct {
	// Token comes from the client-side payment SDK (Stripe.js pm_…, or a gateway's test token).
	Token string
	// SetAsDefault makes it the default at once (the first method always is).
	SetAsDefault bool
	BillingName  string
}

// cardNumber matches what looks like a card number (13 to 19 digits, maybe grouped by spaces
// or dashes): refused as a token, so raw card data never reaches a gateway call or a log.
var cardNumber = regexp.MustCompile(`^[0-9][0-9 -]{11,22}[0-9]$`)

func (in *NewMethod) check() error {
	var v ports.Validation
	in.BillingName = strings.TrimSpace(in.BillingName)
	digits := strings.NewReplacer(" ", "", "-", "").Replace(in.Token)
	if cardNumber.MatchString(in.Token) && len(digits) >= 13 && len(digits) <= 19 {
		v.Add("payment_method_token", "must be a token from the client-side payment SDK; never send a card number")
	} else if err := ports.CheckPaymentToken(in.Token); err != nil {
		v.Add("payment_method_token", "must be a token from the client-side payment SDK: at most 255 characters, without spaces")
	}
	v.Check(utf8.RuneCountInString(in.BillingName) <= MaxBillingNameLength, "billing_name", "must be at most 100 characters")
	return v.Err()
}

// The errors of this context, with their stable codes.
var (
	// ErrDefaultInUse refuses removing the default method of an account whose active
	// subscription renews with it.
	ErrDefaultInUse = ports.Conflict("DEFAULT_PAYMENT_METHOD_IN_USE",
		"The default payment method pays for an active subscription; make another method the default first.")
	// ErrTooMany refuses a method beyond MaxMethods.
	ErrTooMany = ports.Conflict("TOO_MANY_PAYMENT_METHODS", "An account holds at most 20 payment methods; remove one first.")
)

// declined turns a gateway's refusal of a card into the answer a subscriber sees: 422 with the
// field at fault, and a code saying why when the reason is the card's (an expired card, a
// wrong CVC) rather than the issuer's undisclosed one.
func declined(d *ports.DeclineError) error {
	code, reason := "CARD_DECLINED", "was declined by the card issuer; use another card"
	switch d.Code {
	case ports.DeclineExpiredCard:
		code, reason = "EXPIRED_CARD", "is an expired card"
	case ports.DeclineIncorrectCVC:
		code, reason = "INCORRECT_CVC", "was refused: the security code (CVC) is wrong"
	case ports.DeclineInsufficientFunds:
		reason = "was declined by the card issuer: insufficient funds"
	case ports.DeclineProcessingError:
		code, reason = "PAYMENT_PROCESSING_ERROR", "could not be checked by the payment gateway; try again"
	case ports.DeclineAuthenticationRequired:
		code, reason = "AUTHENTICATION_REQUIRED", "needs the cardholder's authentication (3-D Secure) in the app first"
	}
	return &ports.Error{Kind: ports.ErrInvalid, Code: code, Message: "The payment method was refused.",
		Fields: []ports.FieldError{{Field: "payment_method_token", Reason: reason}}, Cause: d}
}

// badToken answers a token the gateway does not know or cannot use.
func badToken(cause error) error {
	return &ports.Error{Kind: ports.ErrInvalid, Code: "INVALID_PAYMENT_METHOD_TOKEN", Message: "The payment method token is not usable.",
		Fields: []ports.FieldError{{Field: "payment_method_token", Reason: "is not a token the payment gateway knows, or was used already"}},
		Cause:  cause}
}
