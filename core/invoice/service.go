package invoice

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/balance"
	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/ports"
)

// Balance pays invoices from, and refunds to, the account balance; *balance.Service is one.
type Balance interface {
	Apply(ctx context.Context, tenantID, userID string, due money.Amount, reference string) (money.Amount, error)
	Credit(ctx context.Context, tenantID, userID string, a money.Amount, reason, reference string) (money.Amount, error)
}

// Gateways answers the payment gateway an invoice was charged through, by name.
type Gateways interface {
	Named(name string) (ports.Payments, error)
}

// Sellers answers what an invoice's PDF says of the client that issued it.
type Sellers interface {
	Seller(ctx context.Context, tenantID string) (name, brandColor string, err error)
}

// Deps are what the invoice use cases need.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	Balance    Balance
	Gateways   Gateways
	Documents  ports.Documents
	Sellers    Sellers
	Audit      audit.Store
	Clock      ports.Clock
}

// Service holds the invoice use cases.
type Service struct{ d Deps }

// NewService returns the invoice use cases.
func NewService(d Deps) *Service { return &Service{d: d} }

func (s *Service) now() time.Time { return s.d.Clock.Now().UTC().Truncate(time.Microsecond) }

// Issue stores an invoice for a draft, open and due now, inside the caller's unit of work. It
// answers the invoice and the credit a negative subtotal leaves (see Draft.Totals), which the
// caller keeps on the account balance. The caller then Finalizes it, as the last write of the unit
// of work: numbers come from one counter per client and year, whose row stays locked until the
// transaction ends, so taking it last keeps concurrent renewals of a client from queueing behind
// each other's gateway calls and writes.
func (s *Service) Issue(ctx context.Context, tenantID string, d Draft) (Invoice, int64, error) {
	if err := d.check(); err != nil {
		return Invoice{}, 0, err
	}
	now := s.now()
	inv := Invoice{ID: ports.NewID(), TenantID: tenantID, UserID: d.UserID, SubscriptionID: d.SubscriptionID, Status: StatusOpen,
		BillingReason: d.BillingReason, Currency: d.Currency, Digits: d.Digits, Lines: d.Lines, TaxRate: d.TaxRate,
		Description: d.Description, PeriodStart: d.PeriodStart, PeriodEnd: d.PeriodEnd, DueDate: now, CouponID: d.CouponID,
		CustomerName: d.CustomerName, CustomerEmail: d.CustomerEmail, CreatedAt: now, UpdatedAt: now}
	inv.Number = draftNumber(inv.ID)
	var credit int64
	inv.Subtotal, inv.Discount, inv.Tax, inv.Total, credit = d.Totals()
	if inv.Total == 0 {
		inv.Status, inv.PaidAt = StatusPaid, &now
	}
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		return s.d.Store.Create(ctx, inv)
	})
	if err != nil {
		return Invoice{}, 0, err
	}
	return inv, credit, nil
}

// draftNumber stands for an invoice's number until it is finalised, within its transaction.
func draftNumber(id string) string { return "DRAFT-" + id }

// Finalize gives an invoice still holding its draft number the next number of the client's year,
// inside the caller's unit of work; a numbered invoice is left as it is.
func (s *Service) Finalize(ctx context.Context, inv *Invoice) error {
	if inv.Number != draftNumber(inv.ID) {
		return nil
	}
	return s.d.UnitOfWork.Do(ctx, ports.TenantScope(inv.TenantID), func(ctx context.Context) error { return s.finalize(ctx, inv) })
}

func (s *Service) finalize(ctx context.Context, inv *Invoice) error {
	year := inv.CreatedAt.Year()
	seq, err := s.d.Store.NextNumber(ctx, year)
	if err != nil {
		return err
	}
	inv.Number = Number(year, seq)
	return s.d.Store.SetNumber(ctx, inv.ID, inv.Number)
}

// Payer is what a charge takes money from: a gateway's customer and method.
type Payer struct {
	Gateway    ports.Payments
	CustomerID string
	MethodID   string
}

// Collect tries to collect what is due of an open invoice, inside the caller's unit of work:
// first from the account balance, then by charging the payer (nil when the account has no
// usable method) with the idempotency key given, which names this attempt at the gateway so a
// retry of it never charges twice. The invoice is saved either way. A refused payment is not an
// error: it is answered as the decline (with the invoice open, its attempt counted), so the caller
// can commit what it learnt; err is for failures of the store or the gateway.
func (s *Service) Collect(ctx context.Context, inv *Invoice, payer *Payer, key string) (*ports.DeclineError, error) {
	if inv.Status != StatusOpen {
		return nil, nil
	}
	var decline *ports.DeclineError
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(inv.TenantID), func(ctx context.Context) error {
		if inv.Due() > 0 {
			applied, err := s.d.Balance.Apply(ctx, inv.TenantID, inv.UserID, inv.Amount(inv.Due()), inv.ID)
			if err != nil {
				return err
			}
			inv.Paid += applied.Minor
			inv.Balance += applied.Minor
		}
		if due := inv.Due(); due > 0 {
			inv.Attempts++
			if payer == nil {
				decline = &ports.DeclineError{Code: ports.DeclineCardDeclined, Message: "the account has no payment method"}
			} else {
				ch, err := payer.Gateway.Charge(ctx, inv.TenantID, ports.ChargeRequest{CustomerID: payer.CustomerID,
					MethodID: payer.MethodID, Amount: due, Currency: inv.Currency, IdempotencyKey: key, Description: inv.Number})
				if decline = ports.AsDecline(err); decline == nil && err != nil {
					return err
				}
				if decline == nil {
					inv.Paid += ch.Amount
					inv.Gateway, inv.ChargeID = payer.Gateway.Name(), ch.ID
				}
			}
			if decline != nil {
				inv.LastError = string(decline.Code)
			}
		}
		inv.UpdatedAt = s.now()
		if inv.Due() <= 0 {
			inv.Status, inv.PaidAt, inv.LastError = StatusPaid, &inv.UpdatedAt, ""
		}
		return s.d.Store.Save(ctx, *inv)
	})
	return decline, err
}

// MarkUncollectible gives up on an open invoice (dunning exhausted), inside the caller's unit of work.
func (s *Service) MarkUncollectible(ctx context.Context, inv *Invoice) error {
	if inv.Status != StatusOpen {
		return nil
	}
	inv.Status, inv.UpdatedAt = StatusUncollectible, s.now()
	return s.d.UnitOfWork.Do(ctx, ports.TenantScope(inv.TenantID), func(ctx context.Context) error {
		return s.d.Store.Save(ctx, *inv)
	})
}

// ForPeriod finds the subscription's renewal invoice of the period starting at start, locked,
// inside the caller's unit of work; ports.ErrNotFound when it was not made yet.
func (s *Service) ForPeriod(ctx context.Context, tenantID, subscriptionID string, start time.Time) (Invoice, error) {
	var inv Invoice
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		inv, err = s.d.Store.ForPeriod(ctx, subscriptionID, start)
		return err
	})
	return inv, err
}

// Get returns an invoice of the user (any of the tenant's when userID is empty: admins).
func (s *Service) Get(ctx context.Context, tenantID, userID, id string) (Invoice, error) {
	if !ports.IsID(id) {
		return Invoice{}, ports.NotFound("invoice")
	}
	var inv Invoice
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		inv, err = s.d.Store.Get(ctx, userID, id, false)
		return err
	})
	return inv, err
}

// List returns a page of the user's invoices (any of the tenant's users' when userID is empty:
// admins), newest first, after the invoice id after (the cursor), only those of the status when it
// is not empty, and whether more follow.
func (s *Service) List(ctx context.Context, tenantID, userID, status, after string, limit int) ([]Invoice, bool, error) {
	if userID != "" && !ports.IsID(userID) {
		return nil, false, ports.Invalid("user_id", "must be a user id")
	}
	if after != "" && !ports.IsID(after) {
		return nil, false, ports.Invalid("cursor", "is not a cursor this API returned")
	}
	if status != "" && !slices.Contains(Statuses, status) {
		return nil, false, ports.Invalid("status", "must be open, paid, uncollectible or void")
	}
	if limit < 1 || limit > MaxPageSize {
		limit = DefaultPageSize
	}
	var out []Invoice
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		out, err = s.d.Store.List(ctx, userID, status, after, limit+1)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	out, more := ports.TrimPage(out, limit)
	return out, more, nil
}

// PDF renders an invoice of the user (any of the tenant's when userID is empty) as a PDF.
func (s *Service) PDF(ctx context.Context, tenantID, userID, id string) (Invoice, []byte, error) {
	inv, err := s.Get(ctx, tenantID, userID, id)
	if err != nil {
		return Invoice{}, nil, err
	}
	name, color, err := s.d.Sellers.Seller(ctx, tenantID)
	if err != nil {
		return Invoice{}, nil, err
	}
	b, err := s.d.Documents.InvoicePDF(ctx, Document(inv, name, color))
	return inv, b, err
}

// Document is what an invoice's PDF shows.
func Document(inv Invoice, seller, color string) ports.InvoiceDocument {
	f := func(minor int64) string { return money.Format(minor, inv.Digits) }
	d := ports.InvoiceDocument{SellerName: seller, BrandColor: color, Number: inv.Number, Status: inv.Status, IssuedAt: inv.CreatedAt,
		DueDate: inv.DueDate, PaidAt: inv.PaidAt, PeriodStart: inv.PeriodStart, PeriodEnd: inv.PeriodEnd,
		CustomerName: inv.CustomerName, CustomerEmail: inv.CustomerEmail, Description: inv.Description, Currency: inv.Currency,
		Subtotal: f(inv.Subtotal), Discount: f(inv.Discount), TaxRate: percent(inv.TaxRate), Tax: f(inv.Tax), Total: f(inv.Total),
		AmountPaid: f(inv.Paid), AmountDue: f(inv.Due()), Refunded: f(inv.Refunded)}
	for _, l := range inv.Lines {
		line := ports.InvoiceDocumentLine{Description: l.Description, Quantity: l.Quantity, Unit: f(l.Unit), Amount: f(l.Amount)}
		if l.PeriodStart != nil && l.PeriodEnd != nil {
			line.Period = l.PeriodStart.UTC().Format(time.DateOnly) + " – " + l.PeriodEnd.UTC().Format(time.DateOnly)
		}
		d.Lines = append(d.Lines, line)
	}
	return d
}

// percent writes basis points as a percentage without trailing zeros: 1900 → "19", 750 → "7.5".
func percent(bps int) string {
	s := money.Format(int64(bps), 2)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "" {
		return "0"
	}
	return s
}

// RefundInput is what an admin gives to refund an invoice.
type RefundInput struct {
	// Amount is an exact decimal in the invoice's currency, at least one minor unit.
	Amount string
	Reason string
	Notes  string
	// Key names the refund at the gateway; a retry of the request sends the same (the request's
	// idempotency reference). Empty: the refund's own id.
	Key string
}

// Refund gives back part or all of what was paid of an invoice, never more than what was paid
// and not refunded yet: the part that was charged goes back to the card through the gateway that
// charged it, the part paid from the account balance goes back to the balance. It runs in one
// unit of work with the invoice locked and the admin's audit record.
func (s *Service) Refund(ctx context.Context, tenantID string, by audit.Actor, invoiceID string, in RefundInput) (Refund, error) {
	if !ports.IsID(invoiceID) {
		return Refund{}, ports.NotFound("invoice")
	}
	var v ports.Validation
	v.Check(slices.Contains(RefundReasons, in.Reason), "reason", "must be one of "+strings.Join(RefundReasons, ", "))
	v.Check(utf8.RuneCountInString(in.Notes) <= 500, "notes", "must be at most 500 characters")
	if err := v.Err(); err != nil {
		return Refund{}, err
	}
	var r Refund
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		inv, err := s.d.Store.Get(ctx, "", invoiceID, true)
		if err != nil {
			return err
		}
		amount, reason := money.Parse(in.Amount, inv.Digits)
		if reason != "" {
			return ports.Invalid("amount", reason)
		}
		left := inv.Refundable()
		if amount < 1 {
			return ports.Invalid("amount", "must be at least "+money.Format(1, inv.Digits))
		}
		if amount > left {
			return &ports.Error{Kind: ports.ErrInvalid, Code: "REFUND_EXCEEDS_PAID", Message: "The refund is more than what is left to refund.",
				Fields: []ports.FieldError{{Field: "amount", Reason: "must be at most " + money.Format(left, inv.Digits) + " " + inv.Currency +
					" (what was paid and not refunded yet)"}}}
		}
		past, err := s.d.Store.Refunds(ctx, inv.ID)
		if err != nil {
			return err
		}
		var toBalanceBefore int64
		for _, p := range past {
			toBalanceBefore += p.ToBalance
		}
		charged := inv.Paid - inv.Balance
		cardLeft := charged - (inv.Refunded - toBalanceBefore)
		card := min(amount, max(cardLeft, 0))
		now := s.now()
		r = Refund{ID: ports.NewID(), TenantID: tenantID, InvoiceID: inv.ID, Amount: amount, ToBalance: amount - card, Digits: inv.Digits,
			Currency: inv.Currency, Reason: in.Reason, Notes: in.Notes, Status: RefundSucceeded, ActorID: by.ID, ProcessedAt: &now,
			CreatedAt: now, UpdatedAt: now}
		if card > 0 {
			gw, err := s.d.Gateways.Named(inv.Gateway)
			if err != nil {
				return err
			}
			key := in.Key
			if key == "" {
				key = "refund-" + r.ID
			}
			got, err := gw.Refund(ctx, tenantID, ports.RefundRequest{ChargeID: inv.ChargeID, Amount: card, IdempotencyKey: key})
			if err != nil {
				return err
			}
			r.ProviderRefundID = got.ID
			if got.Status == ports.PaymentPending {
				r.Status, r.ProcessedAt = RefundPending, nil
			}
		}
		if r.ToBalance > 0 {
			if _, err := s.d.Balance.Credit(ctx, tenantID, inv.UserID, inv.Amount(r.ToBalance), balance.ReasonRefund, r.ID); err != nil {
				return err
			}
		}
		if err := s.d.Store.CreateRefund(ctx, r); err != nil {
			return err
		}
		inv.Refunded += amount
		inv.UpdatedAt = now
		if err := s.d.Store.Save(ctx, inv); err != nil {
			return err
		}
		rec := audit.NewRecord(tenantID, by, "invoice.refunded", "invoice", inv.ID, now)
		rec.Details = map[string]any{"refund_id": r.ID, "amount": money.Format(amount, inv.Digits), "currency": inv.Currency,
			"to_balance": money.Format(r.ToBalance, inv.Digits), "reason": r.Reason, "user_id": inv.UserID}
		return s.d.Audit.Append(ctx, rec)
	})
	if err != nil {
		return Refund{}, err
	}
	return r, nil
}

// Refunds lists an invoice's refunds, oldest first.
func (s *Service) Refunds(ctx context.Context, tenantID, invoiceID string) ([]Refund, error) {
	if !ports.IsID(invoiceID) {
		return nil, ports.NotFound("invoice")
	}
	var out []Refund
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if _, err := s.d.Store.Get(ctx, "", invoiceID, false); err != nil {
			return err
		}
		var err error
		out, err = s.d.Store.Refunds(ctx, invoiceID)
		return err
	})
	return out, err
}
