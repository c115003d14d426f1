package invoice

import (
	"context"
	"time"
)

// Store keeps invoices, their lines and refunds, in the tenant's unit of work. Missing rows, and
// rows of another account when a user id is given, are ports.ErrNotFound.
type Store interface {
	// NextNumber takes the next sequence number of the tenant's invoices in the year, in the unit
	// of work: a rollback gives it back, so numbers have no gaps.
	NextNumber(ctx context.Context, year int) (int, error)
	// SetNumber gives an invoice its number.
	SetNumber(ctx context.Context, id, number string) error
	// Create stores a new invoice with its lines.
	Create(ctx context.Context, inv Invoice) error
	// Get loads an invoice with its lines: of the user when userID is not empty; for update when
	// forUpdate.
	Get(ctx context.Context, userID, id string, forUpdate bool) (Invoice, error)
	// ForPeriod loads the subscription's renewal (subscription_cycle) invoice of the period that
	// starts at start, for update; ports.ErrNotFound when there is none.
	ForPeriod(ctx context.Context, subscriptionID string, start time.Time) (Invoice, error)
	// Save stores what collecting and refunding change: status, amounts paid and refunded,
	// payment, attempts, and the update time.
	Save(ctx context.Context, inv Invoice) error
	// List returns up to limit of the user's invoices (every user's when userID is empty), newest
	// first, after the invoice with the id
	// after (empty: from the newest), only those with the status when it is not empty. Lines are
	// not loaded.
	List(ctx context.Context, userID, status, after string, limit int) ([]Invoice, error)
	// CreateRefund stores a refund; Refunds lists an invoice's refunds, oldest first.
	CreateRefund(ctx context.Context, r Refund) error
	Refunds(ctx context.Context, invoiceID string) ([]Refund, error)
}
