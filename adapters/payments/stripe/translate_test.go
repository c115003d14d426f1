package stripe

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	stripeapi "github.com/stripe/stripe-go/v82"

	"github.com/stvos/stvos/ports"
)

// TestTranslate states how each of Stripe's errors reaches the core: card errors as declines in
// the port's words (keeping the failed intent's id), the rest as error kinds.
func TestTranslate(t *testing.T) {
	t.Parallel()
	card := func(code stripeapi.ErrorCode, decline stripeapi.DeclineCode) *stripeapi.Error {
		return &stripeapi.Error{Type: stripeapi.ErrorTypeCard, Code: code, DeclineCode: decline, HTTPStatusCode: http.StatusPaymentRequired,
			PaymentIntent: &stripeapi.PaymentIntent{ID: "pi_failed"}}
	}
	for _, c := range []struct {
		err  *stripeapi.Error
		want ports.DeclineCode
	}{
		{card(stripeapi.ErrorCodeCardDeclined, "generic_decline"), ports.DeclineCardDeclined},
		{card(stripeapi.ErrorCodeCardDeclined, "insufficient_funds"), ports.DeclineInsufficientFunds},
		{card(stripeapi.ErrorCodeCardDeclined, "stolen_card"), ports.DeclineCardDeclined},
		{card(stripeapi.ErrorCodeExpiredCard, ""), ports.DeclineExpiredCard},
		{card(stripeapi.ErrorCodeIncorrectCVC, ""), ports.DeclineIncorrectCVC},
		{card(stripeapi.ErrorCodeProcessingError, ""), ports.DeclineProcessingError},
		{card(stripeapi.ErrorCodeCardDeclined, "authentication_required"), ports.DeclineAuthenticationRequired},
	} {
		err := translate(c.err, "payment method")
		d := ports.AsDecline(err)
		require.NotNil(t, d, "%s/%s", c.err.Code, c.err.DeclineCode)
		require.Equal(t, c.want, d.Code, "%s/%s", c.err.Code, c.err.DeclineCode)
		require.Equal(t, "pi_failed", d.ChargeID)
		require.ErrorIs(t, err, ports.ErrDeclined)
	}
	for _, c := range []struct {
		err  *stripeapi.Error
		kind error
		code string
	}{
		{&stripeapi.Error{Type: stripeapi.ErrorTypeInvalidRequest, Code: stripeapi.ErrorCodeResourceMissing, HTTPStatusCode: 404}, ports.ErrNotFound, "PAYMENT_METHOD_NOT_FOUND"},
		{&stripeapi.Error{Type: stripeapi.ErrorTypeIdempotency, HTTPStatusCode: 400}, ports.ErrConflict, "IDEMPOTENCY_KEY_REUSED"},
		{&stripeapi.Error{Type: stripeapi.ErrorTypeInvalidRequest, Code: stripeapi.ErrorCodeChargeAlreadyRefunded, HTTPStatusCode: 400}, ports.ErrConflict, "CHARGE_ALREADY_REFUNDED"},
		{&stripeapi.Error{Type: stripeapi.ErrorTypeInvalidRequest, Param: "amount", HTTPStatusCode: 400}, ports.ErrInvalid, "PAYMENT_GATEWAY_REFUSED"},
	} {
		err := translate(c.err, "payment method")
		require.ErrorIs(t, err, c.kind, c.code)
		require.Equal(t, c.code, ports.AsError(err).Code)
	}
	for _, e := range []error{
		&stripeapi.Error{Type: stripeapi.ErrorTypeInvalidRequest, HTTPStatusCode: http.StatusUnauthorized}, // a bad key is ours to mend
		&stripeapi.Error{Type: stripeapi.ErrorTypeAPI, HTTPStatusCode: 500},
		errors.New("connection refused"),
	} {
		err := translate(e, "charge")
		require.Nil(t, ports.AsError(err), "%v is no kind a caller could act on", e)
		require.Nil(t, ports.AsDecline(err))
		require.ErrorIs(t, err, e)
	}
	require.NoError(t, translate(nil, "x"))

	missing := &stripeapi.Error{Type: stripeapi.ErrorTypeInvalidRequest, Code: stripeapi.ErrorCodeResourceMissing, HTTPStatusCode: 404, Param: "payment_method"}
	require.Equal(t, "INVALID_PAYMENT_METHOD_TOKEN", ports.AsError(translateAttach(missing)).Code, "an unknown token is invalid input")
	missing.Param = "customer"
	require.ErrorIs(t, translateAttach(missing), ports.ErrNotFound, "a missing customer is not found")
	require.Equal(t, ports.DeclineCardDeclined, ports.AsDecline(translateAttach(card(stripeapi.ErrorCodeCardDeclined, ""))).Code)
}
