package sandbox

import (
	"context"
	"time"
)

// Ledger keeps the sandbox gateway's state (its customers, attached methods, charges and
// refunds) in the tenant's unit of work, so that every server process sees the same gateway: a
// card attached through one process is charged through another, a key retried anywhere finds
// its charge. adapters/postgres implements it. Missing rows are ports.ErrNotFound.
type Ledger interface {
	// PutCustomer records c unless the tenant has a customer of the same reference, and
	// answers the customer recorded.
	PutCustomer(ctx context.Context, c Customer) (Customer, error)
	Customer(ctx context.Context, id string) (Customer, error)
	PutMethod(ctx context.Context, m Method) error
	Method(ctx context.Context, id string) (Method, error)
	// DetachMethod marks a method detached.
	DetachMethod(ctx context.Context, id string, at time.Time) error
	// ChargeByKey finds the charge of an idempotency key.
	ChargeByKey(ctx context.Context, key string) (Charge, error)
	// PutCharge records c unless the tenant has a charge of the same key (recorded meanwhile
	// by another call), and answers the charge recorded.
	PutCharge(ctx context.Context, c Charge) (Charge, error)
	// Charge loads a charge, locked for update when forUpdate.
	Charge(ctx context.Context, id string, forUpdate bool) (Charge, error)
	// RefundByKey finds the refund of an idempotency key.
	RefundByKey(ctx context.Context, key string) (Refund, error)
	// PutRefund records r unless the tenant has a refund of the same key, and answers the
	// refund recorded.
	PutRefund(ctx context.Context, r Refund) (Refund, error)
	// SetRefunded stores how much of a charge has been refunded.
	SetRefunded(ctx context.Context, chargeID string, refunded int64) error
}

// Customer is a customer of the sandbox gateway.
type Customer struct {
	ID        string
	Reference string
	CreatedAt time.Time
}

// Method is a card attached to a customer.
type Method struct {
	ID         string
	CustomerID string
	// Card is the test token it was attached with; ChargeDecline how its charges end.
	Card          string
	Brand         string
	Last4         string
	ExpMonth      int
	ExpYear       int
	ChargeDecline string
	Detached      bool
	CreatedAt     time.Time
}

// Charge is a charge attempt, successful when Decline is empty.
type Charge struct {
	ID             string
	IdempotencyKey string
	CustomerID     string
	MethodID       string
	Amount         int64
	Currency       string
	Decline        string
	Refunded       int64
	CreatedAt      time.Time
}

// Refund is money given back of a charge.
type Refund struct {
	ID             string
	ChargeID       string
	IdempotencyKey string
	Amount         int64
	CreatedAt      time.Time
}
