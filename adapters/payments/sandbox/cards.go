package sandbox

import "github.com/stvos/stvos/ports"

// Card is one of the sandbox's test cards: the token a client-side SDK would hand over, named as
// Stripe names its test payment methods, and how the card behaves.
type Card struct {
	// Token is what the app sends as payment_method_token.
	Token string
	Brand string
	Last4 string
	// AttachDecline, when set, refuses the card when it is attached.
	AttachDecline ports.DeclineCode
	// ChargeDecline, when set, attaches the card but declines every charge of it.
	ChargeDecline ports.DeclineCode
}

// Cards are the test tokens the sandbox knows; any other token is refused as unknown.
var Cards = []Card{
	{Token: "pm_card_visa", Brand: "visa", Last4: "4242"},
	{Token: "pm_card_visa_debit", Brand: "visa", Last4: "5556"},
	{Token: "pm_card_mastercard", Brand: "mastercard", Last4: "4444"},
	{Token: "pm_card_amex", Brand: "amex", Last4: "8431"},
	{Token: "pm_card_discover", Brand: "discover", Last4: "1117"},
	{Token: "pm_card_chargeDeclined", Brand: "visa", Last4: "0002", AttachDecline: ports.DeclineCardDeclined},
	{Token: "pm_card_chargeDeclinedExpiredCard", Brand: "visa", Last4: "0069", AttachDecline: ports.DeclineExpiredCard},
	{Token: "pm_card_chargeDeclinedIncorrectCvc", Brand: "visa", Last4: "0127", AttachDecline: ports.DeclineIncorrectCVC},
	{Token: "pm_card_chargeCustomerFail", Brand: "visa", Last4: "0341", ChargeDecline: ports.DeclineCardDeclined},
	{Token: "pm_card_chargeDeclinedInsufficientFunds", Brand: "visa", Last4: "9995", ChargeDecline: ports.DeclineInsufficientFunds},
	{Token: "pm_card_chargeDeclinedProcessingError", Brand: "visa", Last4: "0119", ChargeDecline: ports.DeclineProcessingError},
}

var cardByToken = func() map[string]Card {
	m := make(map[string]Card, len(Cards))
	for _, c := range Cards {
		m[c.Token] = c
	}
	return m
}()
