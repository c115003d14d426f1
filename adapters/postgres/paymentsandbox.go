package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/adapters/payments/sandbox"
)

// SandboxLedger implements sandbox.Ledger: the sandbox payment gateway's state, per tenant.
type SandboxLedger struct{}

var _ sandbox.Ledger = SandboxLedger{}

// PutCustomer records a customer unless its reference has one, and answers the one recorded.
func (SandboxLedger) PutCustomer(ctx context.Context, c sandbox.Customer) (sandbox.Customer, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return sandbox.Customer{}, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO sandbox_gateway_customers (tenant_id, id, reference, created_at)
		VALUES (app_tenant_id(), $1, $2, $3) ON CONFLICT (tenant_id, reference) DO NOTHING`, c.ID, c.Reference, c.CreatedAt); err != nil {
		return sandbox.Customer{}, translate(err, "customer")
	}
	var got sandbox.Customer
	err = tx.QueryRow(ctx, `SELECT id, reference, created_at FROM sandbox_gateway_customers
		WHERE tenant_id = app_tenant_id() AND reference = $1`, c.Reference).Scan(&got.ID, &got.Reference, &got.CreatedAt)
	return got, translate(err, "customer")
}

// Customer loads a customer.
func (SandboxLedger) Customer(ctx context.Context, id string) (sandbox.Customer, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return sandbox.Customer{}, err
	}
	var c sandbox.Customer
	err = tx.QueryRow(ctx, `SELECT id, reference, created_at FROM sandbox_gateway_customers
		WHERE tenant_id = app_tenant_id() AND id = $1`, id).Scan(&c.ID, &c.Reference, &c.CreatedAt)
	return c, translate(err, "customer")
}

// PutMethod records an attached method.
func (SandboxLedger) PutMethod(ctx context.Context, m sandbox.Method) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO sandbox_gateway_methods (tenant_id, id, customer_id, card, brand, last4, exp_month, exp_year,
		charge_decline, created_at) VALUES (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		m.ID, m.CustomerID, m.Card, m.Brand, m.Last4, m.ExpMonth, m.ExpYear, m.ChargeDecline, m.CreatedAt)
	return translate(err, "customer")
}

// Method loads a method.
func (SandboxLedger) Method(ctx context.Context, id string) (sandbox.Method, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return sandbox.Method{}, err
	}
	var m sandbox.Method
	err = tx.QueryRow(ctx, `SELECT id, customer_id, card, brand, last4, exp_month, exp_year, charge_decline, detached_at IS NOT NULL, created_at
		FROM sandbox_gateway_methods WHERE tenant_id = app_tenant_id() AND id = $1`, id).
		Scan(&m.ID, &m.CustomerID, &m.Card, &m.Brand, &m.Last4, &m.ExpMonth, &m.ExpYear, &m.ChargeDecline, &m.Detached, &m.CreatedAt)
	return m, translate(err, "payment method")
}

// DetachMethod marks a method detached.
func (SandboxLedger) DetachMethod(ctx context.Context, id string, at time.Time) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE sandbox_gateway_methods SET detached_at = $2
		WHERE tenant_id = app_tenant_id() AND id = $1 AND detached_at IS NULL`, id, at)
	return translate(err, "payment method")
}

const sandboxChargeColumns = `id, idempotency_key, customer_id, method_id, amount, currency, decline, refunded, created_at`

func scanSandboxCharge(row pgx.Row) (sandbox.Charge, error) {
	var c sandbox.Charge
	err := row.Scan(&c.ID, &c.IdempotencyKey, &c.CustomerID, &c.MethodID, &c.Amount, &c.Currency, &c.Decline, &c.Refunded, &c.CreatedAt)
	return c, translate(err, "charge")
}

// ChargeByKey finds the charge of an idempotency key.
func (SandboxLedger) ChargeByKey(ctx context.Context, key string) (sandbox.Charge, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return sandbox.Charge{}, err
	}
	return scanSandboxCharge(tx.QueryRow(ctx, `SELECT `+sandboxChargeColumns+` FROM sandbox_gateway_charges
		WHERE tenant_id = app_tenant_id() AND idempotency_key = $1`, key))
}

// PutCharge records a charge unless its key has one (a concurrent insert of the same key waits
// for the other to commit, then does nothing), and answers the charge of the key.
func (s SandboxLedger) PutCharge(ctx context.Context, c sandbox.Charge) (sandbox.Charge, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return sandbox.Charge{}, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO sandbox_gateway_charges (tenant_id, `+sandboxChargeColumns+`)
		VALUES (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (tenant_id, idempotency_key) DO NOTHING`,
		c.ID, c.IdempotencyKey, c.CustomerID, c.MethodID, c.Amount, c.Currency, c.Decline, c.Refunded, c.CreatedAt); err != nil {
		return sandbox.Charge{}, translate(err, "payment method")
	}
	return s.ChargeByKey(ctx, c.IdempotencyKey)
}

// Charge loads a charge.
func (SandboxLedger) Charge(ctx context.Context, id string, forUpdate bool) (sandbox.Charge, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return sandbox.Charge{}, err
	}
	lock := ""
	if forUpdate {
		lock = " FOR UPDATE"
	}
	return scanSandboxCharge(tx.QueryRow(ctx, `SELECT `+sandboxChargeColumns+` FROM sandbox_gateway_charges
		WHERE tenant_id = app_tenant_id() AND id = $1`+lock, id))
}

// RefundByKey finds the refund of an idempotency key.
func (SandboxLedger) RefundByKey(ctx context.Context, key string) (sandbox.Refund, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return sandbox.Refund{}, err
	}
	var r sandbox.Refund
	err = tx.QueryRow(ctx, `SELECT id, charge_id, idempotency_key, amount, created_at FROM sandbox_gateway_refunds
		WHERE tenant_id = app_tenant_id() AND idempotency_key = $1`, key).Scan(&r.ID, &r.ChargeID, &r.IdempotencyKey, &r.Amount, &r.CreatedAt)
	return r, translate(err, "refund")
}

// PutRefund records a refund unless its key has one, and answers the refund of the key.
func (s SandboxLedger) PutRefund(ctx context.Context, r sandbox.Refund) (sandbox.Refund, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return sandbox.Refund{}, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO sandbox_gateway_refunds (tenant_id, id, charge_id, idempotency_key, amount, created_at)
		VALUES (app_tenant_id(), $1, $2, $3, $4, $5) ON CONFLICT (tenant_id, idempotency_key) DO NOTHING`,
		r.ID, r.ChargeID, r.IdempotencyKey, r.Amount, r.CreatedAt); err != nil {
		return sandbox.Refund{}, translate(err, "charge")
	}
	return s.RefundByKey(ctx, r.IdempotencyKey)
}

// SetRefunded stores how much of a charge has been refunded.
func (SandboxLedger) SetRefunded(ctx context.Context, chargeID string, refunded int64) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE sandbox_gateway_charges SET refunded = $2 WHERE tenant_id = app_tenant_id() AND id = $1`, chargeID, refunded)
	return translate(err, "charge")
}
