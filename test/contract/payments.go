package contract

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// PaymentsEnv is what the payments suites need of a gateway.
type PaymentsEnv struct {
	// New returns an instance of the gateway. Instances share the gateway's state, as two server
	// processes do: a card attached through one is charged through another.
	New func(t *testing.T) ports.Payments
	// NewTenant returns a tenant the gateway may act for.
	NewTenant func(t *testing.T) string
}

// Payments checks ports.Payments on the cases every gateway answers alike, fakes of real
// gateways (stripe-mock) included: a customer is made, a test card attached and shown (brand,
// last four, expiry), charged through another instance with an idempotency key, retried, refunded
// in part and in full, and detached (twice, harmlessly); input breaking the port's rules is
// refused before any gateway sees it.
func Payments(t *testing.T, env PaymentsEnv) {
	ctx := context.Background()
	t.Run("name", func(t *testing.T) {
		require.Contains(t, []string{"sandbox", "stripe"}, env.New(t).Name())
	})
	t.Run("customer, card, charge, refund, detach", func(t *testing.T) {
		one, two := env.New(t), env.New(t)
		tenant := env.NewTenant(t)
		ref := ports.NewID()
		customer, err := one.EnsureCustomer(ctx, tenant, ref)
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(customer, "cus_"), customer)

		card, err := two.AttachMethod(ctx, tenant, customer, "pm_card_visa")
		require.NoError(t, err)
		require.NotEmpty(t, card.ID)
		require.Equal(t, "card", card.Type)
		require.Equal(t, "visa", card.Brand)
		require.Equal(t, "4242", card.Last4)
		require.True(t, card.ExpMonth >= 1 && card.ExpMonth <= 12, "exp_month %d", card.ExpMonth)
		require.GreaterOrEqual(t, card.ExpYear, time.Now().Year(), "a test card is not expired")

		key := "charge-" + ports.NewID()
		req := ports.ChargeRequest{CustomerID: customer, MethodID: card.ID, Amount: 1999, Currency: "USD", IdempotencyKey: key,
			Description: "Premium, one month"}
		ch, err := one.Charge(ctx, tenant, req) // attached through two, charged through one
		require.NoError(t, err)
		require.NotEmpty(t, ch.ID)
		require.Equal(t, int64(1999), ch.Amount)
		require.Equal(t, "USD", ch.Currency)
		require.Equal(t, ports.PaymentSucceeded, ch.Status)
		again, err := two.Charge(ctx, tenant, req)
		require.NoError(t, err, "a retry with the same key is answered, not refused")
		require.Equal(t, int64(1999), again.Amount)

		rf, err := two.Refund(ctx, tenant, ports.RefundRequest{ChargeID: ch.ID, Amount: 500, IdempotencyKey: "refund-" + ports.NewID()})
		require.NoError(t, err)
		require.NotEmpty(t, rf.ID)
		require.Equal(t, ch.ID, rf.ChargeID)
		require.Equal(t, int64(500), rf.Amount)
		require.Equal(t, "USD", rf.Currency)
		require.Equal(t, ports.PaymentSucceeded, rf.Status)
		rest, err := one.Refund(ctx, tenant, ports.RefundRequest{ChargeID: ch.ID, IdempotencyKey: "refund-" + ports.NewID()})
		require.NoError(t, err)
		require.Positive(t, rest.Amount, "0 refunds what is left")
		require.NotEqual(t, rf.ID, rest.ID)

		require.NoError(t, one.DetachMethod(ctx, tenant, customer, card.ID))
		require.NoError(t, two.DetachMethod(ctx, tenant, customer, card.ID), "detaching twice does nothing")
	})
	t.Run("input breaking the rules is refused alike", func(t *testing.T) {
		g := env.New(t)
		tenant := env.NewTenant(t)
		good := ports.ChargeRequest{CustomerID: "cus_x", MethodID: "pm_x", Amount: 100, Currency: "EUR", IdempotencyKey: "k-1"}
		for name, change := range map[string]func(*ports.ChargeRequest){
			"zero amount":      func(r *ports.ChargeRequest) { r.Amount = 0 },
			"negative amount":  func(r *ports.ChargeRequest) { r.Amount = -1 },
			"huge amount":      func(r *ports.ChargeRequest) { r.Amount = ports.MaxChargeAmount + 1 },
			"lower currency":   func(r *ports.ChargeRequest) { r.Currency = "eur" },
			"not a currency":   func(r *ports.ChargeRequest) { r.Currency = "EURO" },
			"no key":           func(r *ports.ChargeRequest) { r.IdempotencyKey = "" },
			"long key":         func(r *ports.ChargeRequest) { r.IdempotencyKey = strings.Repeat("k", ports.MaxIdempotencyKeyLength+1) },
			"key with a space": func(r *ports.ChargeRequest) { r.IdempotencyKey = "a b" },
			"no method":        func(r *ports.ChargeRequest) { r.MethodID = "" },
			"no customer":      func(r *ports.ChargeRequest) { r.CustomerID = "" },
		} {
			r := good
			change(&r)
			_, err := g.Charge(ctx, tenant, r)
			require.ErrorIs(t, err, ports.ErrInvalid, name)
			require.NotEmpty(t, ports.AsError(err).Fields, name)
		}
		for name, r := range map[string]ports.RefundRequest{
			"negative amount": {ChargeID: "ch_x", Amount: -5, IdempotencyKey: "k"},
			"no key":          {ChargeID: "ch_x", Amount: 5},
			"no charge":       {Amount: 5, IdempotencyKey: "k"},
		} {
			_, err := g.Refund(ctx, tenant, r)
			require.ErrorIs(t, err, ports.ErrInvalid, name)
		}
		for _, token := range []string{"", "pm card", strings.Repeat("t", ports.MaxPaymentTokenLength+1), "pm_\n"} {
			_, err := g.AttachMethod(ctx, tenant, "cus_x", token)
			require.ErrorIs(t, err, ports.ErrInvalid, "%q", token)
		}
		_, err := g.EnsureCustomer(ctx, tenant, "")
		require.ErrorIs(t, err, ports.ErrInvalid)
	})
}

// PaymentOutcomes checks what a gateway that simulates outcomes deterministically (the sandbox)
// answers beyond Payments: each test card's brand and behaviour (refused at attach; attached but
// every charge declined, for insufficient funds or not), declines replayed under their key, a
// key reused for another request, one charge for many retries at once, refunds beyond what is
// left, detached and unknown methods, and a cross-tenant section (B neither charges, refunds nor
// detaches what A's gateway customer holds).
func PaymentOutcomes(t *testing.T, env PaymentsEnv) {
	ctx := context.Background()
	setup := func(t *testing.T) (ports.Payments, ports.Payments, string, string) {
		one, two := env.New(t), env.New(t)
		tenant := env.NewTenant(t)
		customer, err := one.EnsureCustomer(ctx, tenant, ports.NewID())
		require.NoError(t, err)
		return one, two, tenant, customer
	}
	charge := func(customer, method string, amount int64) ports.ChargeRequest {
		return ports.ChargeRequest{CustomerID: customer, MethodID: method, Amount: amount, Currency: "USD", IdempotencyKey: "k-" + ports.NewID()}
	}

	t.Run("customers", func(t *testing.T) {
		one, two, tenant, _ := setup(t)
		ref := ports.NewID()
		a, err := one.EnsureCustomer(ctx, tenant, ref)
		require.NoError(t, err)
		b, err := two.EnsureCustomer(ctx, tenant, ref)
		require.NoError(t, err)
		require.Equal(t, a, b, "one customer per reference")
		c, err := one.EnsureCustomer(ctx, tenant, ports.NewID())
		require.NoError(t, err)
		require.NotEqual(t, a, c)
		_, err = one.AttachMethod(ctx, tenant, "cus_unknown", "pm_card_visa")
		require.ErrorIs(t, err, ports.ErrNotFound)
	})
	t.Run("cards", func(t *testing.T) {
		one, two, tenant, customer := setup(t)
		mc, err := one.AttachMethod(ctx, tenant, customer, "pm_card_mastercard")
		require.NoError(t, err)
		require.Equal(t, "mastercard", mc.Brand)
		require.Equal(t, "4444", mc.Last4)
		visa, err := two.AttachMethod(ctx, tenant, customer, "pm_card_visa")
		require.NoError(t, err)
		require.NotEqual(t, mc.ID, visa.ID, "each attachment is a method of its own")

		_, err = one.AttachMethod(ctx, tenant, customer, "pm_card_chargeDeclined")
		require.ErrorIs(t, err, ports.ErrDeclined)
		require.Equal(t, ports.DeclineCardDeclined, ports.AsDecline(err).Code)
		_, err = one.AttachMethod(ctx, tenant, customer, "pm_card_chargeDeclinedExpiredCard")
		require.Equal(t, ports.DeclineExpiredCard, ports.AsDecline(err).Code)
		_, err = one.AttachMethod(ctx, tenant, customer, "pm_card_unknown")
		require.ErrorIs(t, err, ports.ErrInvalid)
		require.NotErrorIs(t, err, ports.ErrDeclined)

		for token, code := range map[string]ports.DeclineCode{
			"pm_card_chargeCustomerFail":              ports.DeclineCardDeclined,
			"pm_card_chargeDeclinedInsufficientFunds": ports.DeclineInsufficientFunds,
		} {
			m, err := one.AttachMethod(ctx, tenant, customer, token)
			require.NoError(t, err, "%s attaches", token)
			req := charge(customer, m.ID, 2500)
			_, err = two.Charge(ctx, tenant, req)
			d := ports.AsDecline(err)
			require.NotNil(t, d, "%s: every charge is declined: %v", token, err)
			require.Equal(t, code, d.Code, token)
			require.NotEmpty(t, d.ChargeID, "the failed attempt is recorded")
			_, err = one.Charge(ctx, tenant, req)
			require.Equal(t, d.ChargeID, ports.AsDecline(err).ChargeID, "%s: a retry answers the same declined attempt", token)
			_, err = one.Refund(ctx, tenant, ports.RefundRequest{ChargeID: d.ChargeID, IdempotencyKey: "r-" + ports.NewID()})
			require.ErrorIs(t, err, ports.ErrConflict, "a declined charge has nothing to refund")
		}
	})
	t.Run("idempotent charges", func(t *testing.T) {
		one, two, tenant, customer := setup(t)
		m, err := one.AttachMethod(ctx, tenant, customer, "pm_card_visa")
		require.NoError(t, err)
		req := charge(customer, m.ID, 999)
		first, err := one.Charge(ctx, tenant, req)
		require.NoError(t, err)
		again, err := two.Charge(ctx, tenant, req)
		require.NoError(t, err)
		require.Equal(t, first, again, "a retry answers the first charge: nothing is charged twice")
		other := req
		other.Amount = 1000
		_, err = one.Charge(ctx, tenant, other)
		require.ErrorIs(t, err, ports.ErrConflict, "the key of another request")

		// Many retries of one key at once, through two instances: one charge.
		burst := charge(customer, m.ID, 4200)
		ids := make([]string, 12)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				g := one
				if i%2 == 1 {
					g = two
				}
				c, err := g.Charge(ctx, tenant, burst)
				if err == nil {
					ids[i] = c.ID
				}
			}()
		}
		wg.Wait()
		for _, id := range ids {
			require.Equal(t, ids[0], id, "every retry at once answers the one charge")
		}
		require.NotEmpty(t, ids[0])
		require.NotEqual(t, first.ID, ids[0])
	})
	t.Run("refunds", func(t *testing.T) {
		one, two, tenant, customer := setup(t)
		m, err := one.AttachMethod(ctx, tenant, customer, "pm_card_visa")
		require.NoError(t, err)
		ch, err := one.Charge(ctx, tenant, charge(customer, m.ID, 2000))
		require.NoError(t, err)
		part := ports.RefundRequest{ChargeID: ch.ID, Amount: 500, IdempotencyKey: "r-" + ports.NewID()}
		rf, err := one.Refund(ctx, tenant, part)
		require.NoError(t, err)
		replay, err := two.Refund(ctx, tenant, part)
		require.NoError(t, err)
		require.Equal(t, rf, replay, "a retried refund refunds once")
		moved := part
		moved.Amount = 600
		_, err = one.Refund(ctx, tenant, moved)
		require.ErrorIs(t, err, ports.ErrConflict, "the key of another refund")
		_, err = one.Refund(ctx, tenant, ports.RefundRequest{ChargeID: ch.ID, Amount: 1501, IdempotencyKey: "r-" + ports.NewID()})
		require.ErrorIs(t, err, ports.ErrInvalid, "more than is left")
		rest, err := two.Refund(ctx, tenant, ports.RefundRequest{ChargeID: ch.ID, IdempotencyKey: "r-" + ports.NewID()})
		require.NoError(t, err)
		require.Equal(t, int64(1500), rest.Amount, "all that is left")
		_, err = one.Refund(ctx, tenant, ports.RefundRequest{ChargeID: ch.ID, Amount: 1, IdempotencyKey: "r-" + ports.NewID()})
		require.ErrorIs(t, err, ports.ErrConflict, "nothing left")
		_, err = one.Refund(ctx, tenant, ports.RefundRequest{ChargeID: "ch_unknown", IdempotencyKey: "r-" + ports.NewID()})
		require.ErrorIs(t, err, ports.ErrNotFound)
	})
	t.Run("detached and unknown methods", func(t *testing.T) {
		one, two, tenant, customer := setup(t)
		m, err := one.AttachMethod(ctx, tenant, customer, "pm_card_visa")
		require.NoError(t, err)
		other, err := one.EnsureCustomer(ctx, tenant, ports.NewID())
		require.NoError(t, err)
		_, err = one.Charge(ctx, tenant, charge(other, m.ID, 100))
		require.ErrorIs(t, err, ports.ErrNotFound, "a method of another customer")
		require.NoError(t, two.DetachMethod(ctx, tenant, other, m.ID), "detaching with another customer does nothing")
		_, err = one.Charge(ctx, tenant, charge(customer, m.ID, 100))
		require.NoError(t, err, "still attached")
		require.NoError(t, two.DetachMethod(ctx, tenant, customer, m.ID))
		_, err = one.Charge(ctx, tenant, charge(customer, m.ID, 100))
		require.ErrorIs(t, err, ports.ErrNotFound, "a detached method cannot be charged")
		_, err = one.Charge(ctx, tenant, charge(customer, "pm_unknown", 100))
		require.ErrorIs(t, err, ports.ErrNotFound)
		require.NoError(t, one.DetachMethod(ctx, tenant, customer, "pm_unknown"))
	})
	t.Run("cross-tenant", func(t *testing.T) {
		one, two, a, customer := setup(t)
		b := env.NewTenant(t)
		m, err := one.AttachMethod(ctx, a, customer, "pm_card_visa")
		require.NoError(t, err)
		ch, err := one.Charge(ctx, a, charge(customer, m.ID, 700))
		require.NoError(t, err)

		_, err = two.Charge(ctx, b, charge(customer, m.ID, 700))
		require.ErrorIs(t, err, ports.ErrNotFound, "B cannot charge A's card")
		_, err = two.AttachMethod(ctx, b, customer, "pm_card_visa")
		require.ErrorIs(t, err, ports.ErrNotFound, "B cannot attach to A's customer")
		_, err = two.Refund(ctx, b, ports.RefundRequest{ChargeID: ch.ID, IdempotencyKey: "r-" + ports.NewID()})
		require.ErrorIs(t, err, ports.ErrNotFound, "B cannot refund A's charge")
		require.NoError(t, two.DetachMethod(ctx, b, customer, m.ID))
		_, err = one.Charge(ctx, a, charge(customer, m.ID, 700))
		require.NoError(t, err, "B's detach left A's card attached")

		// Keys are the tenant's own: B's key equal to A's charges B's own card.
		bc, err := two.EnsureCustomer(ctx, b, ports.NewID())
		require.NoError(t, err)
		bm, err := two.AttachMethod(ctx, b, bc, "pm_card_visa")
		require.NoError(t, err)
		req := charge(customer, m.ID, 300)
		_, err = one.Charge(ctx, a, req)
		require.NoError(t, err)
		req.CustomerID, req.MethodID = bc, bm.ID
		got, err := two.Charge(ctx, b, req)
		require.NoError(t, err, "the same key in another tenant is another charge")
		require.Equal(t, int64(300), got.Amount)
	})
}
