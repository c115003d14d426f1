// Package sandbox is the built-in payment gateway: a simulation that never moves money, for
// clients that have not set up a real gateway, demos and tests. It behaves as a gateway does,
// deterministically: customers, attached cards, charges idempotent by key, partial and full
// refunds, and declines decided by the test card (Stripe's test payment method names: see
// Cards). Its state lives in PostgreSQL through the unit of work (Ledger), per tenant under
// row-level security, so every server process sees one gateway.
package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"go.uber.org/fx"

	"github.com/stvos/stvos/ports"
)

// Name is the adapter's name in the catalog.
const Name = "sandbox"

// Gateway implements ports.Payments.
type Gateway struct {
	uow    ports.UnitOfWork
	ledger Ledger
	clock  ports.Clock
}

var _ ports.Payments = (*Gateway)(nil)

// New returns the sandbox gateway over a ledger.
func New(uow ports.UnitOfWork, ledger Ledger, clock ports.Clock) *Gateway {
	return &Gateway{uow: uow, ledger: ledger, clock: clock}
}

// Module provides the sandbox to the payments gateways (group "payments").
var Module = fx.Module("payments-sandbox",
	fx.Provide(fx.Annotate(New, fx.As(new(ports.Payments)), fx.ResultTags(`group:"payments"`))),
)

// Name implements ports.Payments.
func (*Gateway) Name() string { return Name }

func (g *Gateway) now() time.Time { return g.clock.Now().UTC().Truncate(time.Microsecond) }

// newID makes a gateway id such as pm_sbx_3f9a….
func newID(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return prefix + "_sbx_" + hex.EncodeToString(b)
}

// EnsureCustomer answers the tenant's customer of the reference, created the first time.
func (g *Gateway) EnsureCustomer(ctx context.Context, tenantID, reference string) (string, error) {
	if reference == "" {
		return "", ports.Invalid("reference", "is required")
	}
	var c Customer
	err := g.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		c, err = g.ledger.PutCustomer(ctx, Customer{ID: newID("cus"), Reference: reference, CreatedAt: g.now()})
		return err
	})
	return c.ID, err
}

// AttachMethod attaches one of the test cards: refused when the card declines at attach,
// unknown tokens refused as invalid. The card expires in December three years on.
func (g *Gateway) AttachMethod(ctx context.Context, tenantID, customerID, token string) (ports.PaymentMethod, error) {
	if err := ports.CheckPaymentToken(token); err != nil {
		return ports.PaymentMethod{}, err
	}
	card, ok := cardByToken[token]
	if !ok {
		return ports.PaymentMethod{}, &ports.Error{Kind: ports.ErrInvalid, Code: "INVALID_PAYMENT_METHOD_TOKEN",
			Message: "The sandbox knows only its test tokens.", Fields: []ports.FieldError{{Field: "token", Reason: "is not a sandbox test token"}}}
	}
	now := g.now()
	m := Method{ID: newID("pm"), CustomerID: customerID, Card: card.Token, Brand: card.Brand, Last4: card.Last4,
		ExpMonth: 12, ExpYear: now.Year() + 3, ChargeDecline: string(card.ChargeDecline), CreatedAt: now}
	err := g.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if _, err := g.ledger.Customer(ctx, customerID); err != nil {
			return err
		}
		if card.AttachDecline != "" {
			return &ports.DeclineError{Code: card.AttachDecline, Message: "the sandbox's " + card.Token + " is refused when attached"}
		}
		return g.ledger.PutMethod(ctx, m)
	})
	if err != nil {
		return ports.PaymentMethod{}, err
	}
	return ports.PaymentMethod{ID: m.ID, Type: "card", Brand: m.Brand, Last4: m.Last4, ExpMonth: m.ExpMonth, ExpYear: m.ExpYear}, nil
}

// DetachMethod detaches a method of the customer; anything else is left as it is.
func (g *Gateway) DetachMethod(ctx context.Context, tenantID, customerID, methodID string) error {
	return g.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		m, err := g.ledger.Method(ctx, methodID)
		if errors.Is(err, ports.ErrNotFound) {
			return nil
		}
		if err != nil || m.CustomerID != customerID || m.Detached {
			return err
		}
		return g.ledger.DetachMethod(ctx, methodID, g.now())
	})
}

// keyReused answers a key sent again with a different request.
func keyReused() error {
	return ports.Conflict("IDEMPOTENCY_KEY_REUSED", "The idempotency key was used for a different request.")
}

// Charge records a charge attempt under its key, declined when the card declines charges; a
// key seen before answers its first attempt.
func (g *Gateway) Charge(ctx context.Context, tenantID string, r ports.ChargeRequest) (ports.Charge, error) {
	if err := r.Check(); err != nil {
		return ports.Charge{}, err
	}
	var c Charge
	err := g.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		c, err = g.ledger.ChargeByKey(ctx, r.IdempotencyKey)
		if !errors.Is(err, ports.ErrNotFound) {
			return err
		}
		m, err := g.ledger.Method(ctx, r.MethodID)
		if err != nil {
			return err
		}
		if m.Detached || m.CustomerID != r.CustomerID {
			return ports.NotFound("payment method")
		}
		c, err = g.ledger.PutCharge(ctx, Charge{ID: newID("ch"), IdempotencyKey: r.IdempotencyKey, CustomerID: r.CustomerID,
			MethodID: r.MethodID, Amount: r.Amount, Currency: r.Currency, Decline: m.ChargeDecline, CreatedAt: g.now()})
		return err
	})
	if err != nil {
		return ports.Charge{}, err
	}
	if c.CustomerID != r.CustomerID || c.MethodID != r.MethodID || c.Amount != r.Amount || c.Currency != r.Currency {
		return ports.Charge{}, keyReused()
	}
	if c.Decline != "" {
		// The attempt is recorded (committed above) and answered as a decline, on every retry.
		return ports.Charge{}, &ports.DeclineError{Code: ports.DeclineCode(c.Decline), ChargeID: c.ID,
			Message: "the sandbox's test card declines every charge"}
	}
	return ports.Charge{ID: c.ID, Amount: c.Amount, Currency: c.Currency, Status: ports.PaymentSucceeded}, nil
}

// Refund gives back part or all of what is left of a successful charge.
func (g *Gateway) Refund(ctx context.Context, tenantID string, r ports.RefundRequest) (ports.Refund, error) {
	if err := r.Check(); err != nil {
		return ports.Refund{}, err
	}
	var (
		rf  Refund
		cur string
	)
	err := g.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		ch, err := g.ledger.Charge(ctx, r.ChargeID, true)
		if err != nil {
			return err
		}
		cur = ch.Currency
		if rf, err = g.ledger.RefundByKey(ctx, r.IdempotencyKey); !errors.Is(err, ports.ErrNotFound) {
			return err
		}
		left := ch.Amount - ch.Refunded
		switch {
		case ch.Decline != "":
			return ports.Conflict("CHARGE_NOT_REFUNDABLE", "The charge did not succeed; there is nothing to refund.")
		case left == 0:
			return ports.Conflict("CHARGE_ALREADY_REFUNDED", "The charge has been refunded in full.")
		case r.Amount > left:
			return &ports.Error{Kind: ports.ErrInvalid, Code: "REFUND_EXCEEDS_CHARGE", Message: "The refund is more than is left of the charge.",
				Fields: []ports.FieldError{{Field: "amount", Reason: "must be at most what is left of the charge"}}}
		}
		amount := r.Amount
		if amount == 0 {
			amount = left
		}
		want := Refund{ID: newID("re"), ChargeID: ch.ID, IdempotencyKey: r.IdempotencyKey, Amount: amount, CreatedAt: g.now()}
		if rf, err = g.ledger.PutRefund(ctx, want); err != nil || rf.ID != want.ID {
			return err
		}
		return g.ledger.SetRefunded(ctx, ch.ID, ch.Refunded+amount)
	})
	if err != nil {
		return ports.Refund{}, err
	}
	if rf.ChargeID != r.ChargeID || (r.Amount != 0 && rf.Amount != r.Amount) {
		return ports.Refund{}, keyReused()
	}
	return ports.Refund{ID: rf.ID, ChargeID: rf.ChargeID, Amount: rf.Amount, Currency: cur, Status: ports.PaymentSucceeded}, nil
}
