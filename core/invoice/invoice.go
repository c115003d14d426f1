// Package invoice is what subscribers are billed: invoices with their lines (a period of a plan,
// the credit and charge of a change of plan), the discount of a coupon, tax, and how they were
// paid (from the account balance, by a charge of a payment method); and refunds of them, which
// admins issue, never above what was paid.
//
// Totals add up by construction: subtotal is the sum of the lines; total = subtotal - discount +
// tax, never below zero; amount_paid is what was collected; amount_due = total - amount_paid.
// Every amount is in minor units of the invoice's one currency.
package invoice

import (
	"fmt"
	"time"

	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/ports"
)

// The statuses of an invoice. Invoices are made open (finalised) with their number; draft is in
// the enumeration for clients but never stored.
const (
	StatusDraft         = "draft"
	StatusOpen          = "open"
	StatusPaid          = "paid"
	StatusUncollectible = "uncollectible"
	StatusVoid          = "void"
)

// Statuses lists the statuses a list may filter by.
var Statuses = []string{StatusDraft, StatusOpen, StatusPaid, StatusUncollectible, StatusVoid}

// Why an invoice was made.
const (
	ReasonCreate = "subscription_create"
	ReasonCycle  = "subscription_cycle"
	ReasonUpdate = "subscription_update"
)

// The kinds of lines.
const (
	LineSubscription    = "subscription"
	LineProrationCredit = "proration_credit"
	LineProrationCharge = "proration_charge"
)

// Limits.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
	// MaxTaxRate is 100 percent, in basis points.
	MaxTaxRate = 10000
)

// Line is one line of an invoice. Amount = Quantity × Unit, signed: a credit is negative.
type Line struct {
	Kind        string
	Description string
	Quantity    int
	Unit        int64
	Amount      int64
	PeriodStart *time.Time
	PeriodEnd   *time.Time
}

// Invoice is one invoice of a subscriber.
type Invoice struct {
	ID             string
	TenantID       string
	Number         string
	UserID         string
	SubscriptionID string
	Status         string
	BillingReason  string
	Currency       string
	Digits         int
	Lines          []Line
	// Amounts in minor units.
	Subtotal, Discount, Tax, Total int64
	// TaxRate is in basis points (1900 is 19 percent), applied to subtotal - discount.
	TaxRate int
	// Paid is what was collected; of it, Balance came from the account balance (the rest by
	// charge). Refunded is what was given back of Paid.
	Paid, Balance, Refunded int64
	Description             string
	PeriodStart, PeriodEnd  *time.Time
	DueDate                 time.Time
	PaidAt                  *time.Time
	// Gateway and ChargeID name the charge that paid it, when one did.
	Gateway, ChargeID string
	// Attempts counts the charges tried; LastError says why the last one failed.
	Attempts  int
	LastError string
	CouponID  string
	// CustomerName and CustomerEmail are the billed person as the invoice states them: kept when
	// the account is deleted (anonymised), as the law requires of invoices.
	CustomerName, CustomerEmail string
	CreatedAt, UpdatedAt        time.Time
}

// Due is what is left to pay.
func (inv Invoice) Due() int64 { return inv.Total - inv.Paid }

// Amount is minor units of the invoice's currency as money.
func (inv Invoice) Amount(minor int64) money.Amount {
	return money.Amount{Minor: minor, Digits: inv.Digits, Currency: inv.Currency}
}

// Refundable is what may still be refunded.
func (inv Invoice) Refundable() int64 { return inv.Paid - inv.Refunded }

// Draft is an invoice before it is numbered and stored: its lines, the discount and the tax rate.
type Draft struct {
	UserID, SubscriptionID string
	BillingReason          string
	Currency               string
	Digits                 int
	Lines                  []Line
	// Discount is taken off the subtotal, never below zero; CouponID is the coupon that gave it.
	Discount int64
	CouponID string
	TaxRate  int
	// Description says what the invoice is for ("Premium, monthly").
	Description            string
	PeriodStart, PeriodEnd *time.Time
	CustomerName           string
	CustomerEmail          string
}

// Totals computes a draft's subtotal, the discount it can take (at most the subtotal when that
// is positive), the tax on what remains (rounded half up to the minor unit) and the total. A
// subtotal below zero (a change of plan crediting more than it charges) totals zero; Credit is
// that difference, which the caller keeps on the account balance.
func (d Draft) Totals() (subtotal, discount, tax, total, credit int64) {
	for _, l := range d.Lines {
		subtotal += l.Amount
	}
	if subtotal < 0 {
		return subtotal, 0, 0, 0, -subtotal
	}
	discount = min(max(d.Discount, 0), subtotal)
	net := subtotal - discount
	tax = (net*int64(d.TaxRate) + 5000) / 10000
	return subtotal, discount, tax, net + tax, 0
}

// check refuses a draft that breaks the rules before anything is stored.
func (d Draft) check() error {
	var v ports.Validation
	v.Check(len(d.Lines) > 0 && len(d.Lines) <= 100, "lines", "must have 1 to 100 lines")
	v.Check(d.TaxRate >= 0 && d.TaxRate <= MaxTaxRate, "tax_rate", "must be between 0 and 10000 basis points")
	for i, l := range d.Lines {
		v.Check(l.Amount == int64(l.Quantity)*l.Unit, fmt.Sprintf("lines[%d].amount", i), "must be quantity × unit amount")
	}
	return v.Err()
}

// Number formats an invoice number: INV-2026-00142. The sequence has at least five digits and
// grows beyond them rather than wrapping.
func Number(year, seq int) string { return fmt.Sprintf("INV-%d-%05d", year, seq) }

// Refund reasons.
var RefundReasons = []string{"requested_by_customer", "duplicate", "fraudulent", "service_issue", "goodwill"}

// The statuses of a refund.
const (
	RefundPending   = "pending"
	RefundSucceeded = "succeeded"
	RefundFailed    = "failed"
)

// Refund is money given back of an invoice.
type Refund struct {
	ID        string
	TenantID  string
	InvoiceID string
	// Amount in minor units of the invoice's currency; ToBalance of it went back to the account
	// balance (the part paid from the balance), the rest to the card through the gateway.
	Amount, ToBalance int64
	Digits            int
	Currency          string
	Reason            string
	Status            string
	Notes             string
	ProviderRefundID  string
	ActorID           string
	ProcessedAt       *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}
