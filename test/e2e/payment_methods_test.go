package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/harness"
)

// paymentMethodKeys are the fields of the specification's payment method, all of them always.
var paymentMethodKeys = []string{"id", "type", "brand", "last4", "exp_month", "exp_year", "is_expired", "is_default",
	"billing_name", "billing_country", "wallet_email", "created_at", "updated_at"}

func requireMethodShape(t *testing.T, m map[string]any) {
	t.Helper()
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	require.ElementsMatch(t, paymentMethodKeys, keys, "the specification's fields, no more")
	require.Regexp(t, `^[0-9a-f-]{36}$`, m["id"])
	_, err := time.Parse(time.RFC3339Nano, m["created_at"].(string))
	require.NoError(t, err)
}

// methodList answers the list as ids and the id of the default, checking the body is exactly
// {"data": [...]} with each method in the specification's shape.
func methodList(t *testing.T, c *client) (ids []string, def string) {
	t.Helper()
	r := c.call("GET", "/payment-methods", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Len(t, r.JSON, 1, "the body is {\"data\": [...]}: %s", r.Raw)
	ids = []string{}
	for _, v := range r.JSON["data"].([]any) {
		m := v.(map[string]any)
		requireMethodShape(t, m)
		ids = append(ids, m["id"].(string))
		if m["is_default"] == true {
			require.Empty(t, def, "one default")
			def = m["id"].(string)
		}
	}
	return ids, def
}

// TestPaymentMethods walks the payment method routes on the client's default gateway (the
// sandbox) as the specification shows them: add a Visa test card (brand, last four and expiry
// shown, the first the default), add a Mastercard, make it the default, remove the other; a
// declined card, a card number and an unknown token refused with the field at fault; a retried
// add with its Idempotency-Key adds once; another subscriber of the client and a subscriber of
// another client neither see nor change any of it; every change in the admin's audit log.
func TestPaymentMethods(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "pay-a", nil)
	_, keyB := onboard(t, op, "pay-b", nil)
	subscriber := func(key, email string) *client {
		d := member(t, newClient(t, srv.URL).with("X-API-Key", key), email)
		return newClient(t, srv.URL).with("Authorization", "Bearer "+d["accessToken"].(string))
	}
	ada, bob, carol := subscriber(keyA, "ada@pay-a.test"), subscriber(keyA, "bob@pay-a.test"), subscriber(keyB, "carol@pay-b.test")
	adm := admin(t, srv, op, idA, keyA, "admin@pay-a.test")

	ids, def := methodList(t, ada)
	require.Empty(t, ids, "no methods yet: an empty list")
	require.Empty(t, def)

	// The first card: shown by brand, last four and expiry, and the default.
	r := ada.call("POST", "/payment-methods", map[string]any{"payment_method_token": "pm_card_visa", "billing_name": "Ada Lovelace"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	requireMethodShape(t, r.JSON)
	visa := r.str("id")
	want := map[string]any{"id": visa, "type": "card", "brand": "visa", "last4": "4242", "exp_month": 12.0,
		"exp_year": float64(time.Now().UTC().Year() + 3), "is_expired": false, "is_default": true, "billing_name": "Ada Lovelace",
		"billing_country": nil, "wallet_email": nil, "created_at": r.str("created_at"), "updated_at": r.str("created_at")}
	require.Equal(t, want, r.JSON)
	g := ada.call("GET", "/payment-methods/"+visa, nil)
	require.Equal(t, http.StatusOK, g.Status, string(g.Raw))
	require.Equal(t, want, g.JSON, "read back as added")
	require.NotContains(t, string(r.Raw), "pm_sbx_", "the gateway's ids stay inside")

	// A second card is not the default until made so.
	r = ada.call("POST", "/payment-methods", map[string]any{"payment_method_token": "pm_card_mastercard"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	mc := r.str("id")
	require.Equal(t, "mastercard", r.str("brand"))
	require.Equal(t, "4444", r.str("last4"))
	require.Equal(t, false, r.JSON["is_default"])
	require.Nil(t, r.JSON["billing_name"])
	ids, def = methodList(t, ada)
	require.Equal(t, []string{visa, mc}, ids, "in the order they were added")
	require.Equal(t, visa, def)

	r = ada.call("POST", "/payment-methods/"+mc+"/default", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, true, r.JSON["is_default"])
	require.Equal(t, mc, r.str("id"))
	_, def = methodList(t, ada)
	require.Equal(t, mc, def)
	require.Equal(t, false, ada.call("GET", "/payment-methods/"+visa, nil).JSON["is_default"])

	// Remove the method that is no longer the default.
	r = ada.call("DELETE", "/payment-methods/"+visa, nil)
	require.Equal(t, http.StatusNoContent, r.Status, string(r.Raw))
	ada.call("GET", "/payment-methods/"+visa, nil).flatError(t, http.StatusNotFound, "PAYMENT_METHOD_NOT_FOUND")
	ada.call("DELETE", "/payment-methods/"+visa, nil).flatError(t, http.StatusNotFound, "PAYMENT_METHOD_NOT_FOUND")
	ids, def = methodList(t, ada)
	require.Equal(t, []string{mc}, ids)
	require.Equal(t, mc, def)

	// Refused tokens say which field and why; nothing is added.
	for token, code := range map[string]string{
		"pm_card_chargeDeclined":            "CARD_DECLINED",
		"pm_card_chargeDeclinedExpiredCard": "EXPIRED_CARD",
		"pm_card_unknown":                   "INVALID_PAYMENT_METHOD_TOKEN",
		"4242 4242 4242 4242":               "VALIDATION_FAILED",
		"4000056655665556":                  "VALIDATION_FAILED",
	} {
		d := ada.call("POST", "/payment-methods", map[string]any{"payment_method_token": token}).flatError(t, http.StatusUnprocessableEntity, code)
		require.Equal(t, []string{"payment_method_token"}, fields(d), token)
		require.NotEmpty(t, d[0].(map[string]any)["reason"], token)
	}
	for _, body := range []any{map[string]any{}, map[string]any{"payment_method_token": ""},
		map[string]any{"payment_method_token": strings.Repeat("t", 256)}} {
		d := ada.call("POST", "/payment-methods", body).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
		require.Contains(t, fields(d), "payment_method_token", "%v", body)
	}
	d := ada.call("POST", "/payment-methods", map[string]any{"payment_method_token": "pm_card_visa", "billing_name": strings.Repeat("n", 101)}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"billing_name"}, fields(d))
	ids, _ = methodList(t, ada)
	require.Equal(t, []string{mc}, ids, "no refused card was added")

	// A card that attaches but will not pay is added: charges decline later, at renewal.
	r = ada.call("POST", "/payment-methods", map[string]any{"payment_method_token": "pm_card_chargeCustomerFail", "set_as_default": true})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	failing := r.str("id")
	require.Equal(t, "0341", r.str("last4"))
	require.Equal(t, true, r.JSON["is_default"], "set_as_default")

	// A retried add with its Idempotency-Key adds once.
	key := ports.NewID()
	first := ada.call("POST", "/payment-methods", map[string]any{"payment_method_token": "pm_card_amex"}, "Idempotency-Key", key)
	require.Equal(t, http.StatusCreated, first.Status, string(first.Raw))
	again := ada.call("POST", "/payment-methods", map[string]any{"payment_method_token": "pm_card_amex"}, "Idempotency-Key", key)
	require.Equal(t, http.StatusCreated, again.Status, string(again.Raw))
	require.Equal(t, first.str("id"), again.str("id"))
	require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	amex := first.str("id")
	ids, def = methodList(t, ada)
	require.Equal(t, []string{mc, failing, amex}, ids, "the retry added nothing")
	require.Equal(t, failing, def)

	// Another subscriber of the client, and one of another client, reach none of it.
	for name, other := range map[string]*client{"another subscriber": bob, "another client's subscriber": carol} {
		ids, _ := methodList(t, other)
		require.Empty(t, ids, name)
		for _, id := range []string{mc, failing} {
			other.call("GET", "/payment-methods/"+id, nil).flatError(t, http.StatusNotFound, "PAYMENT_METHOD_NOT_FOUND")
			other.call("DELETE", "/payment-methods/"+id, nil).flatError(t, http.StatusNotFound, "PAYMENT_METHOD_NOT_FOUND")
			other.call("POST", "/payment-methods/"+id+"/default", nil).flatError(t, http.StatusNotFound, "PAYMENT_METHOD_NOT_FOUND")
		}
	}
	bob.call("GET", "/payment-methods/not-a-uuid", nil).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	ids, def = methodList(t, ada)
	require.Equal(t, []string{mc, failing, amex}, ids, "others changed nothing")
	require.Equal(t, failing, def)

	// Without a subscription the default may go; the most recent other method takes its place.
	require.Equal(t, http.StatusNoContent, ada.call("DELETE", "/payment-methods/"+failing, nil).Status)
	_, def = methodList(t, ada)
	require.Equal(t, amex, def)

	// Only the account's own token reaches these routes.
	newClient(t, srv.URL).call("GET", "/payment-methods", nil).flatError(t, http.StatusUnauthorized, "UNAUTHORIZED")
	newClient(t, srv.URL).with("X-API-Key", keyA).call("GET", "/payment-methods", nil).flatError(t, http.StatusUnauthorized, "UNAUTHORIZED")

	// Every change is in the client's audit log, and no card data is.
	r = adm.call("GET", "/admin/audit-log?target_id="+mc, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	var actions []string
	for _, rec := range r.JSON["data"].([]any) {
		actions = append(actions, rec.(map[string]any)["action"].(string))
	}
	require.Equal(t, []string{"payment_method.default_set", "payment_method.added"}, actions)
	r = adm.call("GET", "/admin/audit-log?action=payment_method.removed", nil)
	require.Len(t, r.JSON["data"], 2)
	r = adm.call("GET", "/admin/audit-log?action=payment_method.added", nil)
	require.Len(t, r.JSON["data"], 4, "one record for the retried add")
}

// TestPaymentMethodsPerClientGateway: which gateway serves a client is its configuration. On a
// server with a Stripe key, a client that chose stripe attaches cards at Stripe (stripe-mock
// here, whose canned card expires 8/2030 and has a US billing address), while a client that
// chose nothing keeps the sandbox, whose declining test card stripe-mock would accept.
func TestPaymentMethodsPerClientGateway(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t, map[string]string{"STVOS_STRIPE_SECRET_KEY": harness.StripeTestKey, "STVOS_STRIPE_URL": harness.StripeURL(t)})
	op := operator(t, srv)
	stripeID, stripeKey := onboard(t, op, "pay-stripe", nil)
	r := op.call("PATCH", "/platform/tenants/"+stripeID, map[string]any{"adapters": map[string]string{"payments": "stripe"}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	_, sandboxKey := onboard(t, op, "pay-sandbox", nil)
	subscriber := func(key, email string) *client {
		d := member(t, newClient(t, srv.URL).with("X-API-Key", key), email)
		return newClient(t, srv.URL).with("Authorization", "Bearer "+d["accessToken"].(string))
	}

	s := subscriber(stripeKey, "sam@pay-stripe.test")
	r = s.call("POST", "/payment-methods", map[string]any{"payment_method_token": "pm_card_visa"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	requireMethodShape(t, r.JSON)
	require.Equal(t, "visa", r.str("brand"))
	require.Equal(t, "4242", r.str("last4"))
	require.Equal(t, 8.0, r.JSON["exp_month"], "Stripe's card (stripe-mock's canned one), not the sandbox's")
	require.Equal(t, 2030.0, r.JSON["exp_year"])
	require.Equal(t, "US", r.str("billing_country"))
	require.Equal(t, true, r.JSON["is_default"])
	r = s.call("POST", "/payment-methods", map[string]any{"payment_method_token": "pm_card_chargeDeclined"})
	require.Equal(t, http.StatusCreated, r.Status, "stripe-mock accepts every card: "+string(r.Raw))
	ids, _ := methodList(t, s)
	require.Len(t, ids, 2)
	require.Equal(t, http.StatusNoContent, s.call("DELETE", "/payment-methods/"+r.str("id"), nil).Status, "detached at Stripe")

	sb := subscriber(sandboxKey, "sue@pay-sandbox.test")
	sb.call("POST", "/payment-methods", map[string]any{"payment_method_token": "pm_card_chargeDeclined"}).
		flatError(t, http.StatusUnprocessableEntity, "CARD_DECLINED")
	r = sb.call("POST", "/payment-methods", map[string]any{"payment_method_token": "pm_card_visa"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, 12.0, r.JSON["exp_month"], "the sandbox's card")
}

// TestPaymentMethodsStripeNeedsAKey: on a server without a Stripe key, choosing stripe is
// refused with the reason; the sandbox may be chosen.
func TestPaymentMethodsStripeNeedsAKey(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	d := op.call("POST", "/platform/tenants", map[string]any{"name": "Stripe Co", "slug": "stripe-co", "adapters": map[string]string{"payments": "stripe"}}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"adapters.payments"}, fields(d))
	require.Contains(t, d[0].(map[string]any)["reason"], "STVOS_STRIPE_SECRET_KEY")
	id, _ := onboard(t, op, "stripe-later", nil)
	d = op.call("PATCH", "/platform/tenants/"+id, map[string]any{"adapters": map[string]string{"payments": "stripe"}}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"adapters.payments"}, fields(d))
	r := op.call("PATCH", "/platform/tenants/"+id, map[string]any{"adapters": map[string]string{"payments": "sandbox"}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, "sandbox", r.JSON["adapters"].(map[string]any)["payments"])
}

// TestPaymentMethodScopes: a third-party app holding subscription:read may read the account's
// payment methods (brand, last four, expiry) but never add, change or remove one; without the
// scope it reads none.
func TestPaymentMethodScopes(t *testing.T) {
	t.Parallel()
	f := delegatedSetup(t)
	reader := newClient(t, f.srv.URL).with("Authorization", "Bearer "+f.token(t, "openid subscription:read"))
	r := reader.call("GET", "/payment-methods", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	reader.call("GET", "/payment-methods/"+ports.NewID(), nil).flatError(t, http.StatusNotFound, "PAYMENT_METHOD_NOT_FOUND")
	reader.call("POST", "/payment-methods", map[string]any{"payment_method_token": "pm_card_visa"}).
		flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")
	reader.call("POST", "/payment-methods/"+ports.NewID()+"/default", nil).flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")
	reader.call("DELETE", "/payment-methods/"+ports.NewID(), nil).flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")
	other := newClient(t, f.srv.URL).with("Authorization", "Bearer "+f.token(t, "openid profile"))
	other.call("GET", "/payment-methods", nil).flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")
}
