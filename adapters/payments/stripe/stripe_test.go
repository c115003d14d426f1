package stripe_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/payments/stripe"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/contract"
	"github.com/stvos/stvos/test/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

// TestStripeContract runs the cases every gateway answers alike against stripe-mock, which
// validates each request against Stripe's API specification and answers canned objects; the
// deterministic declines are the sandbox's (contract.PaymentOutcomes).
func TestStripeContract(t *testing.T) {
	t.Parallel()
	base := harness.StripeURL(t)
	contract.Payments(t, contract.PaymentsEnv{
		New: func(t *testing.T) ports.Payments {
			g, err := stripe.New(stripe.Config{SecretKey: harness.StripeTestKey, URL: base})
			require.NoError(t, err)
			return g
		},
		NewTenant: func(*testing.T) string { return ports.NewID() },
	})
}

// recorder keeps every request's method, path, Idempotency-Key and form.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	method, path, key string
	form              url.Values
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := recorded{method: req.Method, path: req.URL.Path, key: req.Header.Get("Idempotency-Key")}
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body.Close()
		rec.form, _ = url.ParseQuery(string(b))
		req.Body = io.NopCloser(strings.NewReader(string(b)))
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, rec)
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func (r *recorder) last() recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reqs[len(r.reqs)-1]
}

// TestIdempotencyKeysReachStripe checks what stripe-mock cannot answer for: a charge retried
// with the same key sends Stripe the same Idempotency-Key (so Stripe answers the first attempt),
// keys are scoped to the tenant, and the charge is a PaymentIntent confirmed off-session.
func TestIdempotencyKeysReachStripe(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	g, err := stripe.New(stripe.Config{SecretKey: harness.StripeTestKey, URL: harness.StripeURL(t), HTTPClient: &http.Client{Transport: rec}})
	require.NoError(t, err)
	ctx := context.Background()
	a, b := ports.NewID(), ports.NewID()

	customer, err := g.EnsureCustomer(ctx, a, "acct-1")
	require.NoError(t, err)
	c := rec.last()
	require.Equal(t, "/v1/customers", c.path)
	require.Equal(t, "stvos:"+a+":customer:acct-1", c.key, "one customer per tenant and account, however often asked")
	require.Equal(t, a, c.form.Get("metadata[stvos_tenant_id]"))

	req := ports.ChargeRequest{CustomerID: customer, MethodID: "pm_card_visa", Amount: 1999, Currency: "USD", IdempotencyKey: "invoice-7:1"}
	_, err = g.Charge(ctx, a, req)
	require.NoError(t, err)
	first := rec.last()
	_, err = g.Charge(ctx, a, req)
	require.NoError(t, err)
	retry := rec.last()
	require.Equal(t, "/v1/payment_intents", first.path)
	require.Equal(t, "stvos:"+a+":charge:invoice-7:1", first.key)
	require.Equal(t, first.key, retry.key, "a retried charge sends the same key: Stripe charges once")
	for k, v := range map[string]string{"amount": "1999", "currency": "usd", "customer": customer, "payment_method": "pm_card_visa",
		"confirm": "true", "off_session": "true"} {
		require.Equal(t, v, first.form.Get(k), k)
	}
	_, err = g.Charge(ctx, b, req)
	require.NoError(t, err)
	require.Equal(t, "stvos:"+b+":charge:invoice-7:1", rec.last().key, "another tenant's same key is another charge")

	_, err = g.Refund(ctx, a, ports.RefundRequest{ChargeID: "pi_123", Amount: 500, IdempotencyKey: "refund-1"})
	require.NoError(t, err)
	r := rec.last()
	require.Equal(t, "/v1/refunds", r.path)
	require.Equal(t, "stvos:"+a+":refund:refund-1", r.key)
	require.Equal(t, "500", r.form.Get("amount"))
	require.Equal(t, "pi_123", r.form.Get("payment_intent"))
	_, err = g.Refund(ctx, a, ports.RefundRequest{ChargeID: "pi_123", IdempotencyKey: "refund-2"})
	require.NoError(t, err)
	require.False(t, rec.last().form.Has("amount"), "0 refunds what is left: no amount sent")

	rec.mu.Lock()
	n := len(rec.reqs)
	rec.mu.Unlock()
	_, err = g.Charge(ctx, a, ports.ChargeRequest{CustomerID: customer, MethodID: "pm_card_visa", Amount: 0, Currency: "USD", IdempotencyKey: "k"})
	require.ErrorIs(t, err, ports.ErrInvalid)
	require.Len(t, rec.reqs, n, "invalid input never reaches Stripe")
}

// TestConfig: the adapter needs a key; without one the server runs no Stripe gateway.
func TestConfig(t *testing.T) {
	t.Parallel()
	_, err := stripe.New(stripe.Config{})
	require.Error(t, err)
	gs, err := stripe.Gateways(stripe.Config{})
	require.NoError(t, err)
	require.Empty(t, gs)
	gs, err = stripe.Gateways(stripe.Config{SecretKey: "sk_test_x"})
	require.NoError(t, err)
	require.Len(t, gs, 1)
	require.Equal(t, "stripe", gs[0].Name())
}
