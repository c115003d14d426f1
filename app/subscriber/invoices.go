package subscriber

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/invoice"
	"github.com/stvos/stvos/core/money"
)

// LineItemBody is one line of an invoice.
type LineItemBody struct {
	Type        string          `json:"type" enum:"subscription,proration_credit,proration_charge" doc:"subscription: a billing period of the plan; proration_credit: the unused time of the old plan (negative); proration_charge: the new plan's part of the period."`
	Description string          `json:"description"`
	Quantity    int             `json:"quantity"`
	UnitAmount  surface.Decimal `json:"unit_amount" example:"9.99"`
	Amount      surface.Decimal `json:"amount" example:"9.99" doc:"quantity × unit_amount; negative for credits."`
	Proration   bool            `json:"proration"`
	PeriodStart *time.Time      `json:"period_start" nullable:"true"`
	PeriodEnd   *time.Time      `json:"period_end" nullable:"true"`
}

// InvoiceBody is an invoice as the specification shows it, with the figures that make its totals
// add up.
type InvoiceBody struct {
	ID             string          `json:"id" format:"uuid"`
	InvoiceNumber  string          `json:"invoice_number" example:"INV-2026-00142" doc:"INV-<year>-<sequence>, the sequence per client and year, without gaps."`
	SubscriptionID *string         `json:"subscription_id" nullable:"true" format:"uuid"`
	Status         string          `json:"status" enum:"draft,open,paid,uncollectible,void" doc:"open: not (fully) paid yet; uncollectible: the payment retries ran out."`
	BillingReason  string          `json:"billing_reason" enum:"subscription_create,subscription_cycle,subscription_update"`
	Subtotal       surface.Decimal `json:"subtotal" example:"9.99" doc:"The sum of the line items."`
	DiscountAmount surface.Decimal `json:"discount_amount" example:"0.00"`
	TaxRate        surface.Decimal `json:"tax_rate" example:"19" doc:"Percent, applied to subtotal - discount_amount."`
	TaxAmount      surface.Decimal `json:"tax_amount" example:"0.00"`
	Amount         surface.Decimal `json:"amount" example:"9.99" doc:"The total: subtotal - discount_amount + tax_amount."`
	AmountPaid     surface.Decimal `json:"amount_paid" example:"9.99" doc:"Collected, from the account balance and by charge."`
	BalanceApplied surface.Decimal `json:"balance_applied" example:"0.00" doc:"The part of amount_paid that came from the account balance."`
	AmountRefunded surface.Decimal `json:"amount_refunded" example:"0.00"`
	AmountDue      surface.Decimal `json:"amount_due" example:"0.00" doc:"amount - amount_paid."`
	Currency       string          `json:"currency" example:"USD"`
	Description    string          `json:"description"`
	PeriodStart    *time.Time      `json:"period_start" nullable:"true"`
	PeriodEnd      *time.Time      `json:"period_end" nullable:"true"`
	DueDate        time.Time       `json:"due_date"`
	PaidAt         *time.Time      `json:"paid_at" nullable:"true"`
	AttemptCount   int             `json:"attempt_count" doc:"Charges tried."`
	PDFURL         string          `json:"pdf_url" format:"uri" doc:"The invoice as a PDF (GET it with the same bearer token)."`
	LineItems      []LineItemBody  `json:"line_items" doc:"Empty in lists; GET /invoices/{invoice_id} shows them."`
	CreatedAt      time.Time       `json:"created_at"`
}

// AdminInvoiceBody is an invoice as admins see it: with its account.
type AdminInvoiceBody struct {
	InvoiceBody
	UserID string `json:"user_id" format:"uuid" doc:"The account billed."`
}

func adminInvoiceBody(s *surface.Surface, inv invoice.Invoice) AdminInvoiceBody {
	b := AdminInvoiceBody{InvoiceBody: invoiceBody(s, inv), UserID: inv.UserID}
	b.PDFURL = s.Link("/admin/invoices/" + inv.ID + "/pdf")
	return b
}

func invoiceBody(s *surface.Surface, inv invoice.Invoice) InvoiceBody {
	d := func(minor int64) surface.Decimal { return surface.Decimal(money.Format(minor, inv.Digits)) }
	b := InvoiceBody{ID: inv.ID, InvoiceNumber: inv.Number, SubscriptionID: nullable(inv.SubscriptionID), Status: inv.Status,
		BillingReason: inv.BillingReason, Subtotal: d(inv.Subtotal), DiscountAmount: d(inv.Discount),
		TaxRate: surface.Decimal(invoice.Document(inv, "", "").TaxRate), TaxAmount: d(inv.Tax), Amount: d(inv.Total),
		AmountPaid: d(inv.Paid), BalanceApplied: d(inv.Balance), AmountRefunded: d(inv.Refunded), AmountDue: d(inv.Due()),
		Currency: inv.Currency, Description: inv.Description, PeriodStart: inv.PeriodStart, PeriodEnd: inv.PeriodEnd,
		DueDate: inv.DueDate, PaidAt: inv.PaidAt, AttemptCount: inv.Attempts, PDFURL: s.Link("/invoices/" + inv.ID + "/pdf"),
		LineItems: make([]LineItemBody, len(inv.Lines)), CreatedAt: inv.CreatedAt}
	for i, l := range inv.Lines {
		b.LineItems[i] = LineItemBody{Type: l.Kind, Description: l.Description, Quantity: l.Quantity, UnitAmount: d(l.Unit),
			Amount: d(l.Amount), Proration: l.Kind != invoice.LineSubscription, PeriodStart: l.PeriodStart, PeriodEnd: l.PeriodEnd}
	}
	return b
}

// InvoiceIDInput names an invoice.
type InvoiceIDInput struct {
	InvoiceID string `path:"invoice_id" maxLength:"36" doc:"The invoice's id."`
}

// InvoiceOutput is one invoice.
type InvoiceOutput struct {
	Body InvoiceBody
}

// ListInvoicesInput pages invoices.
type ListInvoicesInput struct {
	Cursor string `query:"cursor" maxLength:"64" doc:"Opaque pagination cursor from meta.next_cursor."`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20" doc:"Number of items per page (1–100, default 20)."`
	Status string `query:"status" enum:"open,paid,uncollectible,void"`
}

// InvoiceListOutput is a page of invoices, newest first.
type InvoiceListOutput struct {
	Body surface.CursorPage[InvoiceBody]
}

// AdminListInvoicesInput pages the client's invoices.
type AdminListInvoicesInput struct {
	ListInvoicesInput
	UserID string `query:"user_id" format:"uuid" doc:"Only this account's invoices."`
}

// AdminInvoiceListOutput is a page of the client's invoices, newest first.
type AdminInvoiceListOutput struct {
	Body surface.CursorPage[AdminInvoiceBody]
}

// AdminInvoiceOutput is one invoice, as admins see it.
type AdminInvoiceOutput struct {
	Body AdminInvoiceBody
}

// RefundBody is a refund as the specification shows it.
type RefundBody struct {
	ID               string          `json:"id" format:"uuid"`
	InvoiceID        string          `json:"invoice_id" format:"uuid"`
	Amount           surface.Decimal `json:"amount" example:"4.99"`
	ToBalance        surface.Decimal `json:"to_balance" example:"0.00" doc:"The part given back to the account balance (what the balance had paid); the rest went back to the card."`
	Currency         string          `json:"currency" example:"USD"`
	Reason           string          `json:"reason" enum:"requested_by_customer,duplicate,fraudulent,service_issue,goodwill"`
	Status           string          `json:"status" enum:"pending,succeeded,failed"`
	Notes            string          `json:"notes"`
	ProviderRefundID *string         `json:"provider_refund_id" nullable:"true" doc:"The gateway's refund id, when the card was refunded."`
	ActorID          *string         `json:"actor_id" nullable:"true" format:"uuid" doc:"The admin who issued it."`
	ProcessedAt      *time.Time      `json:"processed_at" nullable:"true"`
	CreatedAt        time.Time       `json:"created_at"`
	UpdatedAt        time.Time       `json:"updated_at"`
}

func refundBody(r invoice.Refund) RefundBody {
	d := func(minor int64) surface.Decimal { return surface.Decimal(money.Format(minor, r.Digits)) }
	return RefundBody{ID: r.ID, InvoiceID: r.InvoiceID, Amount: d(r.Amount), ToBalance: d(r.ToBalance), Currency: r.Currency,
		Reason: r.Reason, Status: r.Status, Notes: r.Notes, ProviderRefundID: nullable(r.ProviderRefundID), ActorID: nullable(r.ActorID),
		ProcessedAt: r.ProcessedAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// RefundInput is the specification's Issue Invoice Refund request.
type RefundInput struct {
	InvoiceIDInput
	Body struct {
		Amount surface.Decimal `json:"amount" minimum:"0.01" example:"4.99" doc:"Exact, in the invoice's currency; at most what was paid and not refunded yet."`
		Reason string          `json:"reason" enum:"requested_by_customer,duplicate,fraudulent,service_issue,goodwill"`
		Notes  string          `json:"notes,omitempty" maxLength:"500"`
	}
}

// RefundOutput is one refund.
type RefundOutput struct {
	Body RefundBody
}

// RefundListOutput lists an invoice's refunds.
type RefundListOutput struct {
	Body struct {
		Data []RefundBody `json:"data"`
	}
}

func registerInvoices(s *surface.Surface, invoices *invoice.Service) {
	read := surface.PermitScoped("self:invoices:read", "subscription:read", surface.UserToken)
	huma.Register(s.API, huma.Operation{
		OperationID: "list-invoices", Method: http.MethodGet, Path: "/invoices", Tags: []string{"invoices"},
		Summary: "List invoices / billing history", Description: "The account's invoices, newest first, cursor-paginated.",
		Metadata: read, Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ListInvoicesInput) (*InvoiceListOutput, error) {
		p := surface.PrincipalFrom(ctx)
		limit := max(in.Limit, 1)
		invs, more, err := invoices.List(ctx, p.TenantID, p.Subject, in.Status, in.Cursor, limit)
		if err != nil {
			return nil, err
		}
		body := make([]InvoiceBody, len(invs))
		for i, inv := range invs {
			body[i] = invoiceBody(s, inv)
		}
		return &InvoiceListOutput{Body: surface.NewCursorPage(body, more, limit, func(b InvoiceBody) string { return b.ID })}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-invoice", Method: http.MethodGet, Path: "/invoices/{invoice_id}", Tags: []string{"invoices"},
		Summary: "Get invoice", Description: "One of the account's invoices with its line items; another account's is 404.",
		Metadata: read, Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *InvoiceIDInput) (*InvoiceOutput, error) {
		p := surface.PrincipalFrom(ctx)
		inv, err := invoices.Get(ctx, p.TenantID, p.Subject, in.InvoiceID)
		if err != nil {
			return nil, err
		}
		return &InvoiceOutput{Body: invoiceBody(s, inv)}, nil
	})
	// pdf answers an invoice's PDF: of the caller's account, or any of the client's (admins).
	pdf := func(ctx context.Context, id string, anyUser bool) (*huma.StreamResponse, error) {
		p := surface.PrincipalFrom(ctx)
		user := p.Subject
		if anyUser {
			user = ""
		}
		inv, doc, err := invoices.PDF(ctx, p.TenantID, user, id)
		if err != nil {
			return nil, err
		}
		return s.Download(inv.Number+".pdf", "application/pdf", func(_ context.Context, w io.Writer) error {
			_, err := io.Copy(w, bytes.NewReader(doc))
			return err
		}), nil
	}
	huma.Register(s.API, huma.Operation{
		OperationID: "get-invoice-pdf", Method: http.MethodGet, Path: "/invoices/{invoice_id}/pdf", Tags: []string{"invoices"},
		Summary:     "Invoice PDF",
		Description: "The document behind pdf_url: the invoice as an A4 PDF in the client's branding. Another account's is 404.",
		Metadata:    read, Errors: []int{http.StatusNotFound},
		Responses: surface.FileResponse("application/pdf", "The invoice as PDF."),
	}, func(ctx context.Context, in *InvoiceIDInput) (*huma.StreamResponse, error) {
		return pdf(ctx, in.InvoiceID, false)
	})
	admin := func(perm string) map[string]any { return surface.Permit(perm, surface.UserToken) }
	huma.Register(s.API, huma.Operation{
		OperationID: "admin-list-invoices", Method: http.MethodGet, Path: "/admin/invoices", Tags: []string{"admin-invoices"},
		Summary: "List invoices (admin)",
		Description: "Not in the specification; for the client's console. Every invoice of the client, newest first, " +
			"cursor-paginated, optionally of one account (user_id) or status.",
		Metadata: admin("admin:invoices:read"), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *AdminListInvoicesInput) (*AdminInvoiceListOutput, error) {
		limit := max(in.Limit, 1)
		invs, more, err := invoices.List(ctx, surface.PrincipalFrom(ctx).TenantID, in.UserID, in.Status, in.Cursor, limit)
		if err != nil {
			return nil, err
		}
		body := make([]AdminInvoiceBody, len(invs))
		for i, inv := range invs {
			body[i] = adminInvoiceBody(s, inv)
		}
		return &AdminInvoiceListOutput{Body: surface.NewCursorPage(body, more, limit, func(b AdminInvoiceBody) string { return b.ID })}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "admin-get-invoice", Method: http.MethodGet, Path: "/admin/invoices/{invoice_id}", Tags: []string{"admin-invoices"},
		Summary: "Get invoice (admin)", Description: "Not in the specification; for the client's console. Any invoice of the client, with its lines.",
		Metadata: admin("admin:invoices:read"), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *InvoiceIDInput) (*AdminInvoiceOutput, error) {
		inv, err := invoices.Get(ctx, surface.PrincipalFrom(ctx).TenantID, "", in.InvoiceID)
		if err != nil {
			return nil, err
		}
		return &AdminInvoiceOutput{Body: adminInvoiceBody(s, inv)}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "admin-get-invoice-pdf", Method: http.MethodGet, Path: "/admin/invoices/{invoice_id}/pdf", Tags: []string{"admin-invoices"},
		Summary: "Invoice PDF (admin)", Description: "Not in the specification; for the client's console. Any invoice of the client as PDF.",
		Metadata: admin("admin:invoices:read"), Errors: []int{http.StatusNotFound},
		Responses: surface.FileResponse("application/pdf", "The invoice as PDF."),
	}, func(ctx context.Context, in *InvoiceIDInput) (*huma.StreamResponse, error) {
		return pdf(ctx, in.InvoiceID, true)
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "list-invoice-refunds", Method: http.MethodGet, Path: "/admin/invoices/{invoice_id}/refunds", Tags: []string{"admin-invoices"},
		Summary: "List refunds for invoice (admin)", Description: "Every refund issued against the invoice, oldest first.",
		Metadata: admin("admin:invoices:read"), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *InvoiceIDInput) (*RefundListOutput, error) {
		rs, err := invoices.Refunds(ctx, surface.PrincipalFrom(ctx).TenantID, in.InvoiceID)
		if err != nil {
			return nil, err
		}
		out := &RefundListOutput{}
		out.Body.Data = make([]RefundBody, len(rs))
		for i, r := range rs {
			out.Body.Data[i] = refundBody(r)
		}
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "refund-invoice", Method: http.MethodPost, Path: "/admin/invoices/{invoice_id}/refunds", Tags: []string{"admin-invoices"},
		Summary: "Issue invoice refund (admin)",
		Description: "Refunds part or all of what was paid of an invoice, never more than what was paid and not refunded yet " +
			"(422 REFUND_EXCEEDS_PAID naming what is left). What was charged goes back to the card through the gateway that " +
			"charged it; what the account balance paid goes back to the balance. Audit-logged with the admin's id." + keyDoc,
		DefaultStatus: http.StatusCreated, Metadata: surface.Idempotent(admin("admin:invoices:write")),
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *RefundInput) (*RefundOutput, error) {
		p := surface.PrincipalFrom(ctx)
		r, err := invoices.Refund(ctx, p.TenantID, p.Actor(), in.InvoiceID, invoice.RefundInput{Amount: string(in.Body.Amount),
			Reason: in.Body.Reason, Notes: in.Body.Notes, Key: callReference(ctx)})
		if err != nil {
			return nil, err
		}
		return &RefundOutput{Body: refundBody(r)}, nil
	})
}
