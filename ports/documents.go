package ports

import (
	"context"
	"time"
)

// Documents renders the documents people keep: today the PDF of an invoice. The renderer gets
// everything it prints, already worded and formatted (amounts as exact decimals with their
// currency), so that what a PDF shows is what the API answers.
type Documents interface {
	// InvoicePDF renders an invoice as a PDF document (A4, text selectable, fonts embedded).
	InvoicePDF(ctx context.Context, d InvoiceDocument) ([]byte, error)
}

// InvoiceDocument is what an invoice's PDF shows.
type InvoiceDocument struct {
	// Seller is the client: its name, and its brand colour (#RRGGBB, may be empty) for accents.
	SellerName  string
	BrandColor  string
	Number      string
	Status      string // open, paid, uncollectible, void
	IssuedAt    time.Time
	DueDate     time.Time
	PaidAt      *time.Time
	PeriodStart *time.Time
	PeriodEnd   *time.Time
	// CustomerName and CustomerEmail are the billed person (anonymised after deletion).
	CustomerName  string
	CustomerEmail string
	Description   string
	// Currency is the ISO 4217 code printed beside every amount.
	Currency string
	Lines    []InvoiceDocumentLine
	// Amounts are exact decimals ("9.99"); credits are negative ("-3.21").
	Subtotal string
	Discount string
	// TaxRate is a percentage as text ("19" or "7.5"); Tax the amount.
	TaxRate    string
	Tax        string
	Total      string
	AmountPaid string
	AmountDue  string
	Refunded   string
}

// InvoiceDocumentLine is one line of an invoice's PDF.
type InvoiceDocumentLine struct {
	Description string
	// Period is the line's service period as text ("2026-12-02 – 2027-01-02"), may be empty.
	Period   string
	Quantity int
	Unit     string
	Amount   string
}
