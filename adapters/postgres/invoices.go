package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/invoice"
)

// InvoiceStore implements invoice.Store.
type InvoiceStore struct{}

var _ invoice.Store = InvoiceStore{}

const invoiceColumns = `tenant_id, id, number, user_id, coalesce(subscription_id::text, ''), status, billing_reason, currency, digits,
	subtotal_minor, discount_minor, tax_minor, tax_rate_bps, total_minor, paid_minor, balance_minor, refunded_minor, description,
	period_start, period_end, due_date, paid_at, gateway, charge_id, attempts, last_error, coalesce(coupon_id::text, ''),
	customer_name, customer_email, created_at, updated_at`

func scanInvoice(row pgx.Row) (invoice.Invoice, error) {
	var i invoice.Invoice
	err := row.Scan(&i.TenantID, &i.ID, &i.Number, &i.UserID, &i.SubscriptionID, &i.Status, &i.BillingReason, &i.Currency, &i.Digits,
		&i.Subtotal, &i.Discount, &i.Tax, &i.TaxRate, &i.Total, &i.Paid, &i.Balance, &i.Refunded, &i.Description, &i.PeriodStart,
		&i.PeriodEnd, &i.DueDate, &i.PaidAt, &i.Gateway, &i.ChargeID, &i.Attempts, &i.LastError, &i.CouponID, &i.CustomerName,
		&i.CustomerEmail, &i.CreatedAt, &i.UpdatedAt)
	i.DueDate, i.CreatedAt, i.UpdatedAt = i.DueDate.UTC(), i.CreatedAt.UTC(), i.UpdatedAt.UTC()
	i.PeriodStart, i.PeriodEnd, i.PaidAt = utcPtr(i.PeriodStart), utcPtr(i.PeriodEnd), utcPtr(i.PaidAt)
	return i, err
}

// NextNumber raises the tenant's counter for the year by one, in the transaction: a rollback
// gives the number back, and concurrent invoices queue on the counter's row.
func (InvoiceStore) NextNumber(ctx context.Context, year int) (int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = tx.QueryRow(ctx, `INSERT INTO invoice_counters (tenant_id, year, last) VALUES (app_tenant_id(), $1, 1)
		ON CONFLICT (tenant_id, year) DO UPDATE SET last = invoice_counters.last + 1 RETURNING last`, year).Scan(&n)
	return n, translate(err, "invoice counter")
}

// SetNumber gives an invoice its number.
func (InvoiceStore) SetNumber(ctx context.Context, id, number string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE invoices SET number = $2 WHERE tenant_id = app_tenant_id() AND id = $1`, id, number)
	return translate(err, "invoice")
}

// Create inserts an invoice and its lines.
func (InvoiceStore) Create(ctx context.Context, i invoice.Invoice) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO invoices (tenant_id, id, number, user_id, subscription_id, status, billing_reason, currency,
			digits, subtotal_minor, discount_minor, tax_minor, tax_rate_bps, total_minor, paid_minor, balance_minor, refunded_minor,
			description, period_start, period_end, due_date, paid_at, gateway, charge_id, attempts, last_error, coupon_id,
			customer_name, customer_email, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$30,$31)`,
		i.TenantID, i.ID, i.Number, i.UserID, orNull(i.SubscriptionID), i.Status, i.BillingReason, i.Currency, i.Digits, i.Subtotal,
		i.Discount, i.Tax, i.TaxRate, i.Total, i.Paid, i.Balance, i.Refunded, i.Description, i.PeriodStart, i.PeriodEnd, i.DueDate,
		i.PaidAt, i.Gateway, i.ChargeID, i.Attempts, i.LastError, orNull(i.CouponID), i.CustomerName, i.CustomerEmail, i.CreatedAt,
		i.UpdatedAt)
	if err != nil {
		return translate(err, "invoice")
	}
	n := len(i.Lines)
	kinds, descs, qty, unit, amount := make([]string, n), make([]string, n), make([]int, n), make([]int64, n), make([]int64, n)
	starts, ends := make([]*time.Time, n), make([]*time.Time, n)
	for k, l := range i.Lines {
		kinds[k], descs[k], qty[k], unit[k], amount[k], starts[k], ends[k] = l.Kind, l.Description, l.Quantity, l.Unit, l.Amount,
			l.PeriodStart, l.PeriodEnd
	}
	_, err = tx.Exec(ctx, `INSERT INTO invoice_lines (tenant_id, invoice_id, position, kind, description, quantity, unit_minor,
			amount_minor, period_start, period_end)
		SELECT $1, $2, l.ord, l.kind, l.description, l.quantity, l.unit, l.amount, l.period_start, l.period_end
		FROM unnest($3::text[], $4::text[], $5::int[], $6::bigint[], $7::bigint[], $8::timestamptz[], $9::timestamptz[])
			WITH ORDINALITY AS l (kind, description, quantity, unit, amount, period_start, period_end, ord)`,
		i.TenantID, i.ID, kinds, descs, qty, unit, amount, starts, ends)
	return translate(err, "invoice")
}

// Get loads an invoice with its lines.
func (s InvoiceStore) Get(ctx context.Context, userID, id string, forUpdate bool) (invoice.Invoice, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return invoice.Invoice{}, err
	}
	q := `SELECT ` + invoiceColumns + ` FROM invoices WHERE tenant_id = app_tenant_id() AND id = $1 AND ($2 = '' OR user_id::text = $2)`
	if forUpdate {
		q += ` FOR UPDATE`
	}
	i, err := scanInvoice(tx.QueryRow(ctx, q, id, userID))
	if err != nil {
		return invoice.Invoice{}, translate(err, "invoice")
	}
	return s.withLines(ctx, tx, i)
}

func (InvoiceStore) withLines(ctx context.Context, tx querier, i invoice.Invoice) (invoice.Invoice, error) {
	rows, err := tx.Query(ctx, `SELECT kind, description, quantity, unit_minor, amount_minor, period_start, period_end FROM invoice_lines
		WHERE tenant_id = app_tenant_id() AND invoice_id = $1 ORDER BY position`, i.ID)
	if err != nil {
		return invoice.Invoice{}, translate(err, "invoice")
	}
	i.Lines, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (invoice.Line, error) {
		var l invoice.Line
		err := r.Scan(&l.Kind, &l.Description, &l.Quantity, &l.Unit, &l.Amount, &l.PeriodStart, &l.PeriodEnd)
		l.PeriodStart, l.PeriodEnd = utcPtr(l.PeriodStart), utcPtr(l.PeriodEnd)
		return l, err
	})
	return i, translate(err, "invoice")
}

// ForPeriod loads the subscription's renewal invoice of the period starting at start, locked.
func (s InvoiceStore) ForPeriod(ctx context.Context, subscriptionID string, start time.Time) (invoice.Invoice, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return invoice.Invoice{}, err
	}
	i, err := scanInvoice(tx.QueryRow(ctx, `SELECT `+invoiceColumns+` FROM invoices WHERE tenant_id = app_tenant_id()
		AND subscription_id = $1 AND period_start = $2 AND billing_reason = 'subscription_cycle' FOR UPDATE`, subscriptionID, start))
	if err != nil {
		return invoice.Invoice{}, translate(err, "invoice")
	}
	return s.withLines(ctx, tx, i)
}

// Save stores what collecting and refunding change.
func (InvoiceStore) Save(ctx context.Context, i invoice.Invoice) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE invoices SET status = $2, paid_minor = $3, balance_minor = $4, refunded_minor = $5, paid_at = $6,
			gateway = $7, charge_id = $8, attempts = $9, last_error = $10, updated_at = $11
		WHERE tenant_id = app_tenant_id() AND id = $1`,
		i.ID, i.Status, i.Paid, i.Balance, i.Refunded, i.PaidAt, i.Gateway, i.ChargeID, i.Attempts, i.LastError, i.UpdatedAt)
	if err != nil {
		return translate(err, "invoice")
	}
	if tag.RowsAffected() == 0 {
		return translate(pgx.ErrNoRows, "invoice")
	}
	return nil
}

// List returns a page of the user's invoices, newest first (the invoices_user index).
func (InvoiceStore) List(ctx context.Context, userID, status, after string, limit int) ([]invoice.Invoice, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT `+invoiceColumns+` FROM invoices i WHERE tenant_id = app_tenant_id()
			AND ($1 = '' OR user_id = nullif($1, '')::uuid) AND ($2 = '' OR status = $2)
			AND ($3 = '' OR (created_at, id) < (SELECT created_at, id FROM invoices WHERE tenant_id = app_tenant_id() AND id = $3::uuid))
		ORDER BY created_at DESC, id DESC LIMIT $4`, userID, status, after, limit)
	if err != nil {
		return nil, translate(err, "invoice")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (invoice.Invoice, error) { return scanInvoice(r) })
	return out, translate(err, "invoice")
}

const refundColumns = `tenant_id, id, invoice_id, amount_minor, to_balance_minor, digits, currency, reason, status, notes,
	provider_refund_id, coalesce(actor_id::text, ''), processed_at, created_at, updated_at`

// CreateRefund inserts a refund.
func (InvoiceStore) CreateRefund(ctx context.Context, r invoice.Refund) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO refunds (tenant_id, id, invoice_id, amount_minor, to_balance_minor, digits, currency, reason,
			status, notes, provider_refund_id, actor_id, processed_at, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
		r.TenantID, r.ID, r.InvoiceID, r.Amount, r.ToBalance, r.Digits, r.Currency, r.Reason, r.Status, r.Notes, r.ProviderRefundID,
		orNull(r.ActorID), r.ProcessedAt, r.CreatedAt, r.UpdatedAt)
	return translate(err, "refund")
}

// Refunds lists an invoice's refunds, oldest first.
func (InvoiceStore) Refunds(ctx context.Context, invoiceID string) ([]invoice.Refund, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT `+refundColumns+` FROM refunds WHERE tenant_id = app_tenant_id() AND invoice_id = $1
		ORDER BY created_at, id`, invoiceID)
	if err != nil {
		return nil, translate(err, "refund")
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (invoice.Refund, error) {
		var r invoice.Refund
		err := row.Scan(&r.TenantID, &r.ID, &r.InvoiceID, &r.Amount, &r.ToBalance, &r.Digits, &r.Currency, &r.Reason, &r.Status,
			&r.Notes, &r.ProviderRefundID, &r.ActorID, &r.ProcessedAt, &r.CreatedAt, &r.UpdatedAt)
		r.CreatedAt, r.UpdatedAt, r.ProcessedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC(), utcPtr(r.ProcessedAt)
		return r, err
	})
	return out, translate(err, "refund")
}
