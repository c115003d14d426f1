package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/payment"
)

// PaymentMethodStore implements payment.Store.
type PaymentMethodStore struct{}

var _ payment.Store = PaymentMethodStore{}

const paymentMethodColumns = `tenant_id, id, user_id, gateway, customer_id, gateway_method_id, type, brand, last4, exp_month, exp_year,
	billing_name, billing_country, is_default, created_at, updated_at`

func scanPaymentMethod(row pgx.Row) (payment.Method, error) {
	var m payment.Method
	err := row.Scan(&m.TenantID, &m.ID, &m.UserID, &m.Gateway, &m.CustomerID, &m.GatewayID, &m.Type, &m.Brand, &m.Last4,
		&m.ExpMonth, &m.ExpYear, &m.BillingName, &m.BillingCountry, &m.IsDefault, &m.CreatedAt, &m.UpdatedAt)
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return m, err
}

// LockAccount takes a transaction-scoped advisory lock named after the tenant and the account:
// changes of one account's methods queue behind each other, nothing else waits.
func (PaymentMethodStore) LockAccount(ctx context.Context, userID string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('payment_methods:' || app_tenant_id()::text || ':' || $1::uuid::text, 0))`, userID)
	return translate(err, "account")
}

// Customer answers the account's customer at a gateway.
func (PaymentMethodStore) Customer(ctx context.Context, userID, gateway string) (string, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return "", err
	}
	var id string
	err = tx.QueryRow(ctx, `SELECT customer_id FROM payment_customers WHERE tenant_id = app_tenant_id() AND user_id = $1 AND gateway = $2`,
		userID, gateway).Scan(&id)
	return id, translate(err, "payment customer")
}

// PutCustomer records the account's customer at a gateway unless one is recorded.
func (PaymentMethodStore) PutCustomer(ctx context.Context, userID, gateway, customerID string, at time.Time) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO payment_customers (tenant_id, user_id, gateway, customer_id, created_at)
		VALUES (app_tenant_id(), $1, $2, $3, $4) ON CONFLICT (tenant_id, user_id, gateway) DO NOTHING`, userID, gateway, customerID, at)
	return translate(err, "account")
}

// Create inserts a method.
func (PaymentMethodStore) Create(ctx context.Context, m payment.Method) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO payment_methods (`+paymentMethodColumns+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
		m.TenantID, m.ID, m.UserID, m.Gateway, m.CustomerID, m.GatewayID, m.Type, m.Brand, m.Last4, m.ExpMonth, m.ExpYear,
		m.BillingName, m.BillingCountry, m.IsDefault, m.CreatedAt, m.UpdatedAt)
	return translate(err, "account")
}

// Get loads a method of the account.
func (PaymentMethodStore) Get(ctx context.Context, userID, id string) (payment.Method, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return payment.Method{}, err
	}
	m, err := scanPaymentMethod(tx.QueryRow(ctx, `SELECT `+paymentMethodColumns+` FROM payment_methods
		WHERE tenant_id = app_tenant_id() AND user_id = $1 AND id = $2`, userID, id))
	return m, translate(err, "payment method")
}

// List returns the account's methods in creation order (ids alone order only to the millisecond).
func (PaymentMethodStore) List(ctx context.Context, userID string) ([]payment.Method, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT `+paymentMethodColumns+` FROM payment_methods
		WHERE tenant_id = app_tenant_id() AND user_id = $1 ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, translate(err, "payment method")
	}
	ms, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (payment.Method, error) { return scanPaymentMethod(r) })
	return ms, translate(err, "payment method")
}

// SetDefault clears the account's default (only when the method is the account's), then sets
// the method's: two statements, since the unique index on defaults is checked row by row.
func (PaymentMethodStore) SetDefault(ctx context.Context, userID, id string, at time.Time) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE payment_methods SET is_default = false, updated_at = $3
		WHERE tenant_id = app_tenant_id() AND user_id = $1 AND is_default AND id <> $2
		  AND EXISTS (SELECT 1 FROM payment_methods WHERE tenant_id = app_tenant_id() AND user_id = $1 AND id = $2)`, userID, id, at); err != nil {
		return translate(err, "payment method")
	}
	tag, err := tx.Exec(ctx, `UPDATE payment_methods SET is_default = true, updated_at = $3
		WHERE tenant_id = app_tenant_id() AND user_id = $1 AND id = $2 AND NOT is_default`, userID, id, at)
	if err != nil {
		return translate(err, "payment method")
	}
	if tag.RowsAffected() == 0 {
		_, err = PaymentMethodStore{}.Get(ctx, userID, id) // already the default, or not the account's
		return err
	}
	return nil
}

// Delete removes a method of the account.
func (PaymentMethodStore) Delete(ctx context.Context, userID, id string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM payment_methods WHERE tenant_id = app_tenant_id() AND user_id = $1 AND id = $2`, userID, id)
	if err != nil {
		return translate(err, "payment method")
	}
	if tag.RowsAffected() == 0 {
		return translate(pgx.ErrNoRows, "payment method")
	}
	return nil
}
