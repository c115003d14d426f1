package subscription

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/balance"
	"github.com/stvos/stvos/core/coupon"
	"github.com/stvos/stvos/core/invoice"
	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/core/payment"
	"github.com/stvos/stvos/core/plan"
	"github.com/stvos/stvos/ports"
)

// DefaultDunning retries a failed renewal 1, 3 and 5 days after it; the subscription is canceled
// when the last retry fails.
var DefaultDunning = []time.Duration{24 * time.Hour, 72 * time.Hour, 120 * time.Hour}

// DefaultTrialNotice is how long before a trial ends its subscriber is told.
const DefaultTrialNotice = 72 * time.Hour

// Deps are what the subscription use cases need.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	Plans      Plans
	Coupons    Coupons
	Methods    Methods
	Invoices   Invoices
	Balance    Balance
	Clients    Clients
	Accounts   Accounts
	Streams    Streams
	Notices    Notices
	Jobs       ports.Jobs
	Audit      audit.Store
	Clock      ports.Clock
	// Dunning is when failed renewals are retried, after the renewal (DefaultDunning when nil).
	Dunning []time.Duration
	// TrialNotice is how long before a trial's end the subscriber is told (DefaultTrialNotice when 0).
	TrialNotice time.Duration
}

// Service holds the subscription use cases. Every change runs in one unit of work: the
// subscription, its invoice, the coupon's redemption, the balance's entries, the audit record and
// the jobs that tell the subscriber commit together or not at all.
type Service struct{ d Deps }

// NewService returns the subscription use cases.
func NewService(d Deps) *Service {
	if d.Dunning == nil {
		d.Dunning = DefaultDunning
	}
	if d.TrialNotice == 0 {
		d.TrialNotice = DefaultTrialNotice
	}
	return &Service{d: d}
}

func (s *Service) now() time.Time { return s.d.Clock.Now().UTC().Truncate(time.Microsecond) }

// Now is the time the service judges by.
func (s *Service) Now() time.Time { return s.now() }

// Current returns the account's subscription that has not ended, else its latest; ErrNone when it
// never had one.
func (s *Service) Current(ctx context.Context, tenantID, userID string) (Subscription, plan.Plan, error) {
	var (
		sub Subscription
		p   plan.Plan
	)
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		if sub, err = s.current(ctx, userID, false); err != nil {
			return err
		}
		p, err = s.d.Plans.Get(ctx, sub.PlanID, false)
		return err
	})
	return sub, p, err
}

func (s *Service) current(ctx context.Context, userID string, forUpdate bool) (Subscription, error) {
	sub, err := s.d.Store.Current(ctx, userID, forUpdate)
	if errors.Is(err, ports.ErrNotFound) {
		return Subscription{}, ErrNone
	}
	return sub, err
}

// live is current, refusing one that has ended.
func (s *Service) live(ctx context.Context, userID string) (Subscription, error) {
	sub, err := s.current(ctx, userID, true)
	if err == nil && !sub.Live() {
		return Subscription{}, ErrNone
	}
	return sub, err
}

// NewSubscription is what a subscriber gives to subscribe.
type NewSubscription struct {
	PlanID string
	// PaymentMethod is the id of a stored method of the account, or a gateway's token, which is
	// attached to the account first.
	PaymentMethod string
	CouponCode    string
	// Key names the first charge at the gateway: the request's idempotency reference, so that a
	// retry of the request never charges twice. Empty: the subscription's own id.
	Key string
}

func (in *NewSubscription) check() error {
	var v ports.Validation
	in.CouponCode = strings.TrimSpace(in.CouponCode)
	v.Check(ports.IsID(in.PlanID), "plan_id", "must be the id of one of the client's plans")
	v.Check(in.PaymentMethod != "" && len(in.PaymentMethod) <= ports.MaxPaymentTokenLength, "payment_method_id",
		"must be the id of a stored payment method, or a payment method token, of at most 255 characters")
	v.Check(utf8.RuneCountInString(in.CouponCode) <= coupon.MaxCodeLength, "coupon_code", "must be at most 50 characters")
	return v.Err()
}

// Create starts the account's subscription to a plan: with a free trial when the plan has one
// and the account never subscribed before (or a coupon grants days), else paid at once for its
// first period, from the account balance and then by charging the payment method. A payment the
// card refuses leaves nothing behind: 422 PAYMENT_DECLINED. A second subscription while one has
// not ended is ErrExists.
func (s *Service) Create(ctx context.Context, tenantID string, by audit.Actor, userID string, in NewSubscription) (Subscription, error) {
	if err := in.check(); err != nil {
		return Subscription{}, err
	}
	scope := ports.TenantScope(tenantID)
	err := s.d.UnitOfWork.Read(ctx, scope, func(ctx context.Context) error {
		sub, err := s.d.Store.Current(ctx, userID, false)
		if err == nil && sub.Live() {
			return ErrExists
		}
		if errors.Is(err, ports.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return Subscription{}, err
	}
	methodID := in.PaymentMethod
	if !ports.IsID(methodID) {
		m, err := s.d.Methods.Attach(ctx, tenantID, userID, methodID)
		if err != nil {
			return Subscription{}, renameField(err, "payment_method_token", "payment_method_id")
		}
		methodID = m.ID
	}
	billing, err := s.d.Clients.Billing(ctx, tenantID)
	if err != nil {
		return Subscription{}, err
	}
	var (
		sub     Subscription
		charged *invoice.Invoice
	)
	err = s.d.UnitOfWork.Do(ctx, scope, func(ctx context.Context) error {
		if err := s.d.Store.LockAccount(ctx, userID); err != nil {
			return err
		}
		cur, err := s.d.Store.Current(ctx, userID, false)
		if err == nil && cur.Live() {
			return ErrExists
		} else if err != nil && !errors.Is(err, ports.ErrNotFound) {
			return err
		}
		hadAny := err == nil
		p, err := s.d.Plans.Get(ctx, in.PlanID, false)
		if errors.Is(err, ports.ErrNotFound) {
			return ports.Invalid("plan_id", "is not a plan of this client")
		} else if err != nil {
			return err
		}
		if !p.IsActive {
			return ports.Invalid("plan_id", "is no longer offered")
		}
		m, err := s.usableMethod(ctx, userID, methodID)
		if err != nil {
			return err
		}
		now := s.now()
		sub = Subscription{ID: ports.NewID(), TenantID: tenantID, UserID: userID, PaymentMethodID: m.ID, Version: 1,
			CreatedAt: now, UpdatedAt: now}
		sub.withTerms(p)
		var disc coupon.Discount
		if in.CouponCode != "" {
			c, d, err := s.d.Coupons.Redeem(ctx, tenantID, userID, in.CouponCode, p)
			if err != nil {
				return couponError(err)
			}
			sub.CouponID, disc = c.ID, d
		}
		trialDays := disc.TrialDays
		if !hadAny {
			trialDays += p.TrialDays
		}
		if trialDays > 0 {
			end := now.AddDate(0, 0, trialDays)
			sub.Status, sub.Anchor, sub.PeriodNumber, sub.PeriodStart, sub.PeriodEnd = StatusTrialing, end, 0, now, end
			sub.TrialStart, sub.TrialEnd = &now, &end
			sub.DiscountPending = disc.Amount.Minor > 0
			sub.Paid = money.Amount{Digits: p.Price.Digits, Currency: p.Price.Currency}
		} else {
			end, _ := PeriodEnd(now, p.BillingCycle, 1)
			sub.Status, sub.Anchor, sub.PeriodNumber, sub.PeriodStart, sub.PeriodEnd = StatusActive, now, 1, now, end
			sub.Paid = p.Price
			sub.Paid.Minor -= disc.Amount.Minor
		}
		sub.schedule(s.d.TrialNotice)
		if err := s.d.Store.Create(ctx, sub); err != nil {
			return err
		}
		if sub.Status == StatusActive {
			inv, err := s.bill(ctx, &sub, billing, invoice.ReasonCreate, disc.Amount.Minor)
			if err != nil {
				return err
			}
			key := in.Key
			if key == "" {
				key = "sub-" + sub.ID + "-create"
			} else {
				key += "-create"
			}
			decline, err := s.d.Invoices.Collect(ctx, &inv, s.payer(m), key)
			if err != nil {
				return err
			}
			if decline != nil {
				return paymentDeclined(decline)
			}
			charged = &inv
		}
		r := audit.NewRecord(tenantID, by, "subscription.created", "subscription", sub.ID, now)
		r.Details = map[string]any{"user_id": userID, "plan_id": p.ID, "status": sub.Status, "coupon_id": sub.CouponID}
		if err := s.d.Audit.Append(ctx, r); err != nil {
			return err
		}
		if charged != nil {
			return s.d.Invoices.Finalize(ctx, charged)
		}
		return nil
	})
	if err != nil {
		s.giveBack(ctx, charged, in.Key)
		return Subscription{}, err
	}
	return sub, nil
}

// giveBack refunds a charge whose unit of work did not commit (the store failed after the gateway
// took the money), so that no money moves without a record of it. A call made with an idempotency
// key is left alone: its retry sends the same gateway key, which answers the same charge, and
// records it then.
func (s *Service) giveBack(ctx context.Context, inv *invoice.Invoice, key string) {
	if inv == nil || inv.ChargeID == "" || key != "" {
		return
	}
	gw, err := s.d.Methods.Gateway(inv.Gateway)
	if err != nil {
		return
	}
	_, _ = gw.Refund(context.WithoutCancel(ctx), inv.TenantID, ports.RefundRequest{ChargeID: inv.ChargeID,
		IdempotencyKey: "rollback-" + inv.ID})
}

// effects are what a unit of work does last, after its other writes: numbering the invoices it
// issued (the per-client counter's row stays locked until commit, so it is taken last) and then
// telling the subscriber (whose messages show those numbers).
type effects struct {
	invoices []*invoice.Invoice
	events   []Event
}

func (e *effects) issued(inv *invoice.Invoice) { e.invoices = append(e.invoices, inv) }
func (e *effects) tell(ev Event)               { e.events = append(e.events, ev) }

func (s *Service) apply(ctx context.Context, e *effects) error {
	for _, inv := range e.invoices {
		if err := s.d.Invoices.Finalize(ctx, inv); err != nil {
			return err
		}
	}
	for _, ev := range e.events {
		if err := s.d.Notices.Notify(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

// usableMethod loads the account's stored method with the id, refusing an unknown or expired one.
func (s *Service) usableMethod(ctx context.Context, userID, id string) (payment.Method, error) {
	m, err := s.d.Methods.Method(ctx, userID, id)
	if errors.Is(err, ports.ErrNotFound) {
		return payment.Method{}, ports.Invalid("payment_method_id", "is not a payment method of this account")
	}
	if err != nil {
		return payment.Method{}, err
	}
	if m.Expired(s.now()) {
		return payment.Method{}, &ports.Error{Kind: ports.ErrInvalid, Code: "EXPIRED_CARD", Message: "The payment method has expired.",
			Fields: []ports.FieldError{{Field: "payment_method_id", Reason: "is an expired card; add another"}}}
	}
	return m, nil
}

func (s *Service) payer(m payment.Method) *invoice.Payer {
	gw, err := s.d.Methods.Gateway(m.Gateway)
	if err != nil {
		return nil
	}
	return &invoice.Payer{Gateway: gw, CustomerID: m.CustomerID, MethodID: m.GatewayID}
}

// renewalPayer is the method a renewal (or a change of plan) charges: the account's default, as
// the subscriber chose it last, else the method the subscription started with.
func (s *Service) renewalPayer(ctx context.Context, sub Subscription) (*invoice.Payer, error) {
	m, err := s.d.Methods.Default(ctx, sub.UserID)
	if err == nil {
		return s.payer(m), nil
	}
	if !errors.Is(err, ports.ErrNotFound) {
		return nil, err
	}
	if sub.PaymentMethodID == "" {
		return nil, nil
	}
	if m, err = s.d.Methods.Method(ctx, sub.UserID, sub.PaymentMethodID); errors.Is(err, ports.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return s.payer(m), nil
}

// bill issues the invoice of the subscription's current period at its terms.
func (s *Service) bill(ctx context.Context, sub *Subscription, billing Settings, reason string, discount int64) (invoice.Invoice, error) {
	name, email, err := s.d.Accounts.Billed(ctx, sub.TenantID, sub.UserID)
	if err != nil {
		return invoice.Invoice{}, err
	}
	p, err := s.d.Plans.Get(ctx, sub.PlanID, false)
	if err != nil {
		return invoice.Invoice{}, err
	}
	start, end := sub.PeriodStart, sub.PeriodEnd
	desc := p.Name + ", " + strings.ReplaceAll(sub.BillingCycle, "_", "-")
	inv, _, err := s.d.Invoices.Issue(ctx, sub.TenantID, invoice.Draft{UserID: sub.UserID, SubscriptionID: sub.ID, BillingReason: reason,
		Currency: sub.Price.Currency, Digits: sub.Price.Digits, Discount: discount, CouponID: couponIf(discount, sub.CouponID),
		TaxRate: billing.TaxRate, Description: desc, PeriodStart: &start, PeriodEnd: &end, CustomerName: name, CustomerEmail: email,
		Lines: []invoice.Line{{Kind: invoice.LineSubscription, Description: desc, Quantity: 1, Unit: sub.Price.Minor,
			Amount: sub.Price.Minor, PeriodStart: &start, PeriodEnd: &end}}})
	return inv, err
}

func couponIf(discount int64, id string) string {
	if discount > 0 {
		return id
	}
	return ""
}

// Quote is what a change of plan does, with the discount a coupon gives on what is due now.
type Quote struct {
	Change
	Discount money.Amount
	// CouponID is the coupon that gives it.
	CouponID string
	// Tax is added to what is due now.
	Tax money.Amount
}

// DueNow is what is charged now: the change's due amount, less the discount, plus tax.
func (q Quote) DueNow() money.Amount {
	a := q.Change.DueNow
	a.Minor = a.Minor - q.Discount.Minor + q.Tax.Minor
	return a
}

// Preview computes what changing to the plan would charge or credit now, and when, without
// changing anything. A coupon is checked as it would be redeemed (nothing is redeemed).
func (s *Service) Preview(ctx context.Context, tenantID, userID, planID, couponCode string) (Quote, error) {
	if !ports.IsID(planID) {
		return Quote{}, ports.Invalid("plan_id", "must be the id of one of the client's plans")
	}
	billing, err := s.d.Clients.Billing(ctx, tenantID)
	if err != nil {
		return Quote{}, err
	}
	var q Quote
	err = s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		sub, err := s.current(ctx, userID, false)
		if err != nil {
			return err
		}
		if !sub.Live() {
			return ErrNone
		}
		q, err = s.quote(ctx, sub, planID, billing)
		if err != nil || strings.TrimSpace(couponCode) == "" {
			return err
		}
		return s.previewCoupon(ctx, tenantID, userID, couponCode, &q, billing)
	})
	return q, err
}

// previewCoupon applies a coupon to a quote as ChangePlan would, without redeeming it.
func (s *Service) previewCoupon(ctx context.Context, tenantID, userID, code string, q *Quote, billing Settings) error {
	cs, ok := s.d.Coupons.(interface {
		Validate(ctx context.Context, tenantID, userID, code, planID string) (coupon.Check, error)
	})
	if !ok {
		return nil
	}
	ch, err := cs.Validate(ctx, tenantID, userID, code, q.To.ID)
	if err != nil {
		return err
	}
	if ch.Reason != "" {
		return couponError(coupon.Refused(ch.Reason))
	}
	return q.discount(ch.Coupon, ch.Discount, billing)
}

// discount takes a coupon's discount off what a change charges now (immediate changes), or
// leaves it for the next invoice (changes at the period's end).
func (q *Quote) discount(c coupon.Coupon, d coupon.Discount, billing Settings) error {
	if d.TrialDays > 0 {
		return ports.Invalid("coupon_code", "grants free trial days, which only a new subscription can use")
	}
	q.CouponID = c.ID
	if q.Effective == EffectiveImmediate {
		q.Discount.Minor = min(d.Amount.Minor, q.Change.DueNow.Minor)
		q.Tax.Minor = tax(q.Change.DueNow.Minor-q.Discount.Minor, billing.TaxRate)
	}
	return nil
}

func tax(net int64, bps int) int64 { return (net*int64(bps) + 5000) / 10000 }

func (s *Service) quote(ctx context.Context, sub Subscription, planID string, billing Settings) (Quote, error) {
	if sub.Status != StatusTrialing && sub.Status != StatusActive {
		return Quote{}, wrongStatus(sub, "changed to another plan")
	}
	to, err := s.d.Plans.Get(ctx, planID, false)
	if errors.Is(err, ports.ErrNotFound) {
		return Quote{}, ports.Invalid("plan_id", "is not a plan of this client")
	} else if err != nil {
		return Quote{}, err
	}
	from, err := s.d.Plans.Get(ctx, sub.PlanID, false)
	if err != nil {
		return Quote{}, err
	}
	// The subscription's terms are those of its period, whatever the plan says now.
	from.Price, from.BillingCycle = sub.Price, sub.BillingCycle
	c, err := PlanChange(Current{Plan: from, Paid: sub.Paid, PeriodStart: sub.PeriodStart, PeriodEnd: sub.PeriodEnd,
		Trialing: sub.Status == StatusTrialing}, to, billing.Policy, s.now())
	if err != nil {
		return Quote{}, err
	}
	zero := money.Amount{Digits: to.Price.Digits, Currency: to.Price.Currency}
	q := Quote{Change: c, Discount: zero, Tax: zero}
	q.Tax.Minor = tax(c.DueNow.Minor, billing.TaxRate)
	return q, nil
}

// ChangePlan moves the subscription to another plan under the client's policy: at once (the
// unused part of the period credited, the rest charged at the new price, now) or at the period's
// end (nothing moves now; the renewal bills the new plan). During a trial the plan changes at once
// and nothing is charged. Choosing the current plan again withdraws a change waiting for the
// period's end. key names the charge at the gateway, as for Create.
func (s *Service) ChangePlan(ctx context.Context, tenantID string, by audit.Actor, userID, planID, couponCode, key string) (Subscription, Quote, error) {
	if !ports.IsID(planID) {
		return Subscription{}, Quote{}, ports.Invalid("plan_id", "must be the id of one of the client's plans")
	}
	billing, err := s.d.Clients.Billing(ctx, tenantID)
	if err != nil {
		return Subscription{}, Quote{}, err
	}
	var (
		sub     Subscription
		q       Quote
		charged *invoice.Invoice
	)
	requestKey := key
	err = s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if err := s.d.Store.LockAccount(ctx, userID); err != nil {
			return err
		}
		var err error
		if sub, err = s.live(ctx, userID); err != nil {
			return err
		}
		now := s.now()
		if planID == sub.PlanID && sub.PendingPlanID != "" {
			sub.PendingPlanID = ""
			return s.save(ctx, &sub, by, "subscription.plan_change_withdrawn", nil)
		}
		if q, err = s.quote(ctx, sub, planID, billing); err != nil {
			return err
		}
		if c := strings.TrimSpace(couponCode); c != "" {
			cp, d, err := s.d.Coupons.Redeem(ctx, tenantID, userID, c, q.To)
			if err != nil {
				return couponError(err)
			}
			if err := q.discount(cp, d, billing); err != nil {
				return err
			}
		}
		details := map[string]any{"from_plan_id": q.From.ID, "to_plan_id": q.To.ID, "effective": q.Effective}
		if q.Effective == EffectivePeriodEnd {
			sub.PendingPlanID = q.To.ID
			if q.CouponID != "" {
				sub.CouponID, sub.DiscountPending = q.CouponID, true
			}
			return s.save(ctx, &sub, by, "subscription.plan_change_scheduled", details)
		}
		sub.PendingPlanID = ""
		cycleChanged := q.To.BillingCycle != sub.BillingCycle
		sub.withTerms(q.To)
		if sub.Status == StatusTrialing {
			return s.save(ctx, &sub, by, "subscription.plan_changed", details)
		}
		if cycleChanged {
			sub.Anchor, sub.PeriodNumber = q.PeriodStart, 1
		}
		sub.PeriodStart, sub.PeriodEnd, sub.Paid = q.PeriodStart, q.PeriodEnd, q.To.Price
		if q.Credit.Minor > 0 || q.Charge.Minor > 0 {
			inv, err := s.prorate(ctx, sub, q, billing, now)
			if err != nil {
				return err
			}
			if key == "" {
				key = fmt.Sprintf("sub-%s-v%d-change", sub.ID, sub.Version)
			} else {
				key += "-change"
			}
			payer, err := s.renewalPayer(ctx, sub)
			if err != nil {
				return err
			}
			decline, err := s.d.Invoices.Collect(ctx, &inv, payer, key)
			if err != nil {
				return err
			}
			if decline != nil {
				return paymentDeclined(decline)
			}
			charged = &inv
			details["invoice_id"] = inv.ID
		}
		if q.CouponID != "" {
			sub.CouponID = q.CouponID
		}
		if err := s.save(ctx, &sub, by, "subscription.plan_changed", details); err != nil {
			return err
		}
		if charged != nil {
			return s.d.Invoices.Finalize(ctx, charged)
		}
		return nil
	})
	if err != nil {
		s.giveBack(ctx, charged, requestKey)
		return Subscription{}, Quote{}, err
	}
	return sub, q, nil
}

// prorate issues the invoice of an immediate change: a credit line for the unused time on the old
// plan, a charge line for the new plan's part of the period, and keeps what the credit leaves
// over on the account balance.
func (s *Service) prorate(ctx context.Context, sub Subscription, q Quote, billing Settings, now time.Time) (invoice.Invoice, error) {
	name, email, err := s.d.Accounts.Billed(ctx, sub.TenantID, sub.UserID)
	if err != nil {
		return invoice.Invoice{}, err
	}
	start, end := now, q.PeriodEnd
	var lines []invoice.Line
	if q.Credit.Minor > 0 {
		lines = append(lines, invoice.Line{Kind: invoice.LineProrationCredit, Description: "Unused time on " + q.From.Name,
			Quantity: 1, Unit: -q.Credit.Minor, Amount: -q.Credit.Minor, PeriodStart: &start, PeriodEnd: &end})
	}
	if q.Charge.Minor > 0 {
		lines = append(lines, invoice.Line{Kind: invoice.LineProrationCharge, Description: "Remaining time on " + q.To.Name,
			Quantity: 1, Unit: q.Charge.Minor, Amount: q.Charge.Minor, PeriodStart: &start, PeriodEnd: &end})
	}
	ps, pe := q.PeriodStart, q.PeriodEnd
	inv, credit, err := s.d.Invoices.Issue(ctx, sub.TenantID, invoice.Draft{UserID: sub.UserID, SubscriptionID: sub.ID,
		BillingReason: invoice.ReasonUpdate, Currency: q.To.Price.Currency, Digits: q.To.Price.Digits, Lines: lines,
		Discount: q.Discount.Minor, CouponID: couponIf(q.Discount.Minor, q.CouponID), TaxRate: billing.TaxRate,
		Description: "Change from " + q.From.Name + " to " + q.To.Name, PeriodStart: &ps, PeriodEnd: &pe,
		CustomerName: name, CustomerEmail: email})
	if err != nil {
		return invoice.Invoice{}, err
	}
	if credit > 0 {
		if _, err := s.d.Balance.Credit(ctx, sub.TenantID, sub.UserID, inv.Amount(credit), balance.ReasonProration, inv.ID); err != nil {
			return invoice.Invoice{}, err
		}
	}
	return inv, nil
}

// save stores a change of the subscription made by an actor, with its audit record.
func (s *Service) save(ctx context.Context, sub *Subscription, by audit.Actor, action string, details map[string]any) error {
	now := s.now()
	sub.Version++
	sub.UpdatedAt = now
	sub.schedule(s.d.TrialNotice)
	if err := s.d.Store.Save(ctx, *sub); err != nil {
		return err
	}
	r := audit.NewRecord(sub.TenantID, by, action, "subscription", sub.ID, now)
	if details == nil {
		details = map[string]any{}
	}
	details["user_id"], details["status"] = sub.UserID, sub.Status
	r.Details = details
	return s.d.Audit.Append(ctx, r)
}

// Cancel ends the subscription at its period's end (it stays usable until then and does not
// renew), or at once when immediate (without refund; an open invoice is voided by being left
// uncollectible). A paused subscription ends at once.
func (s *Service) Cancel(ctx context.Context, tenantID string, by audit.Actor, userID string, immediate bool, reason string) (Subscription, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > MaxCancelReasonLength {
		return Subscription{}, ports.Invalid("reason", "must be at most 500 characters")
	}
	return s.change(ctx, tenantID, userID, func(ctx context.Context, sub *Subscription) error {
		sub.CancelReason = reason
		if immediate || sub.Status == StatusPaused {
			if err := s.end(ctx, sub, EndedBySubscriber, s.now()); err != nil {
				return err
			}
			return s.save(ctx, sub, by, "subscription.canceled", map[string]any{"immediate": true, "reason": reason})
		}
		if sub.CancelAtPeriodEnd {
			return nil
		}
		sub.CancelAtPeriodEnd = true
		return s.save(ctx, sub, by, "subscription.cancel_scheduled", map[string]any{"at": sub.PeriodEnd, "reason": reason})
	})
}

// change runs fn on the account's subscription that has not ended (ErrNone when there is none),
// in one unit of work holding the account's lock, and answers the subscription as fn left it.
func (s *Service) change(ctx context.Context, tenantID, userID string, fn func(ctx context.Context, sub *Subscription) error) (Subscription, error) {
	var sub Subscription
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if err := s.d.Store.LockAccount(ctx, userID); err != nil {
			return err
		}
		var err error
		if sub, err = s.live(ctx, userID); err != nil {
			return err
		}
		return fn(ctx, &sub)
	})
	if err != nil {
		return Subscription{}, err
	}
	return sub, nil
}

// EndForDeletion ends the account's subscription at once because the account is to be deleted
// (ended by "deletion", without refund; an unpaid renewal is given up), in the caller's unit of
// work when there is one. An account without a subscription that has not ended changes nothing.
func (s *Service) EndForDeletion(ctx context.Context, tenantID string, by audit.Actor, userID, reason string) error {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > MaxCancelReasonLength {
		return ports.Invalid("reason", "must be at most 500 characters")
	}
	_, err := s.change(ctx, tenantID, userID, func(ctx context.Context, sub *Subscription) error {
		sub.CancelReason = reason
		if err := s.end(ctx, sub, EndedByDeletion, s.now()); err != nil {
			return err
		}
		return s.save(ctx, sub, by, "subscription.canceled", map[string]any{"immediate": true, "ended_by": EndedByDeletion})
	})
	if errors.Is(err, ErrNone) {
		return nil
	}
	return err
}

// end cancels the subscription at the time, stops the account's streams, and gives up on a
// renewal still unpaid.
func (s *Service) end(ctx context.Context, sub *Subscription, endedBy string, at time.Time) error {
	if sub.Status == StatusPastDue {
		inv, err := s.d.Invoices.ForPeriod(ctx, sub.TenantID, sub.ID, sub.PeriodStart)
		if err == nil {
			if err := s.d.Invoices.MarkUncollectible(ctx, &inv); err != nil {
				return err
			}
		} else if !errors.Is(err, ports.ErrNotFound) {
			return err
		}
	}
	sub.Status, sub.CanceledAt, sub.EndedBy, sub.PausedAt, sub.NextAttemptAt = StatusCanceled, &at, endedBy, nil, nil
	sub.PendingPlanID = ""
	return s.d.Streams.StopAll(ctx, sub.TenantID, sub.UserID)
}

// Pause pauses an active subscription: it stops renewing and its benefits stop (streams end)
// until Resume, which gives back the time that was left of the period.
func (s *Service) Pause(ctx context.Context, tenantID string, by audit.Actor, userID string) (Subscription, error) {
	return s.change(ctx, tenantID, userID, func(ctx context.Context, sub *Subscription) error {
		if sub.Status != StatusActive || sub.CancelAtPeriodEnd {
			return wrongStatus(*sub, "paused (only an active subscription that is not set to cancel can)")
		}
		now := s.now()
		sub.Status, sub.PausedAt = StatusPaused, &now
		if err := s.d.Streams.StopAll(ctx, tenantID, userID); err != nil {
			return err
		}
		return s.save(ctx, sub, by, "subscription.paused", nil)
	})
}

// Resume resumes a paused subscription, its period's end moved later by the time it was paused;
// or withdraws a cancellation set for the period's end.
func (s *Service) Resume(ctx context.Context, tenantID string, by audit.Actor, userID string) (Subscription, error) {
	return s.change(ctx, tenantID, userID, func(ctx context.Context, sub *Subscription) error {
		switch {
		case sub.Status == StatusPaused:
			paused := s.now().Sub(*sub.PausedAt)
			sub.Status, sub.PausedAt = StatusActive, nil
			sub.PeriodEnd, sub.Anchor = sub.PeriodEnd.Add(paused), sub.Anchor.Add(paused)
			return s.save(ctx, sub, by, "subscription.resumed", map[string]any{"paused_seconds": int64(paused / time.Second)})
		case sub.CancelAtPeriodEnd:
			sub.CancelAtPeriodEnd, sub.CancelReason = false, ""
			return s.save(ctx, sub, by, "subscription.cancel_withdrawn", nil)
		}
		return wrongStatus(*sub, "resumed (only a paused subscription, or one set to cancel, can)")
	})
}

// System is the actor of what the billing sweep does.
var System = audit.Actor{Kind: "system", ID: ""}

// Sweep finds the subscriptions of every client with something due now (a renewal, a retry, a
// trial's end or its notice, a cancellation at the period's end) and enqueues the job that
// advances each, at most limit at a time; it answers how many it enqueued. The queue keeps one
// job per subscription waiting, so sweeps that overlap do not double the work.
func (s *Service) Sweep(ctx context.Context, limit int) (int, error) {
	var n int
	err := s.d.UnitOfWork.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		refs, err := s.d.Store.Due(ctx, s.now(), limit)
		if err != nil {
			return err
		}
		for _, r := range refs {
			if err := s.d.Jobs.Enqueue(ctx, r); err != nil {
				return err
			}
		}
		n = len(refs)
		return nil
	})
	return n, err
}

// maxCatchUp bounds how many periods one advance renews: a subscription the sweep missed for
// longer (the platform was down) is advanced by later jobs.
const maxCatchUp = 12

// Advance brings one subscription up to date at now: the trial's notice and end, renewals (one
// invoice per period, paid from the balance and the payment method), retries of a failed renewal
// on the dunning schedule, and the end of the subscription when it was set to cancel or the
// retries ran out. It is what the subscription.advance job runs; running it again changes nothing
// until something is due again, and charges are named per period and attempt at the gateway, so a
// job retried after a crash never charges twice.
func (s *Service) Advance(ctx context.Context, tenantID, id string) error {
	billing, err := s.d.Clients.Billing(ctx, tenantID)
	if err != nil {
		return err
	}
	return s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		sub, err := s.d.Store.Get(ctx, id, true)
		if errors.Is(err, ports.ErrNotFound) {
			return nil // the account was deleted since the sweep
		}
		if err != nil {
			return err
		}
		if err := s.d.Store.LockAccount(ctx, sub.UserID); err != nil {
			return err
		}
		now := s.now()
		changed := false
		var e effects
		for i := 0; i < maxCatchUp; i++ {
			progressed, err := s.step(ctx, &sub, billing, now, &e)
			if err != nil {
				return err
			}
			if !progressed {
				break
			}
			changed = true
		}
		// Saved even when nothing was due, so that the schedule is recomputed (a due_at left in the
		// past would be swept again and again).
		sub.schedule(s.d.TrialNotice)
		if changed {
			sub.Version++
			sub.UpdatedAt = now
		}
		if err := s.d.Store.Save(ctx, sub); err != nil {
			return err
		}
		return s.apply(ctx, &e)
	})
}

// step does the one thing due next, if any, and reports whether it did.
func (s *Service) step(ctx context.Context, sub *Subscription, billing Settings, now time.Time, e *effects) (bool, error) {
	switch sub.Status {
	case StatusTrialing:
		if !sub.TrialNotified && !sub.CancelAtPeriodEnd && !now.Before(sub.PeriodEnd.Add(-s.d.TrialNotice)) && now.Before(sub.PeriodEnd) {
			sub.TrialNotified = true
			e.tell(Event{Kind: EventTrialEnding, Subscription: *sub})
			return true, nil
		}
		if now.Before(sub.PeriodEnd) {
			return false, nil
		}
		if sub.CancelAtPeriodEnd {
			return true, s.finish(ctx, sub, EndedAtPeriodEnd, sub.PeriodEnd, e)
		}
		return true, s.renew(ctx, sub, billing, e)
	case StatusActive:
		if now.Before(sub.PeriodEnd) {
			return false, nil
		}
		if sub.CancelAtPeriodEnd {
			return true, s.finish(ctx, sub, EndedAtPeriodEnd, sub.PeriodEnd, e)
		}
		return true, s.renew(ctx, sub, billing, e)
	case StatusPastDue:
		if sub.CancelAtPeriodEnd && !now.Before(sub.PeriodEnd) {
			return true, s.finish(ctx, sub, EndedAtPeriodEnd, sub.PeriodEnd, e)
		}
		if sub.NextAttemptAt == nil || now.Before(*sub.NextAttemptAt) {
			return false, nil
		}
		return true, s.retry(ctx, sub, e)
	}
	return false, nil
}

func (s *Service) finish(ctx context.Context, sub *Subscription, endedBy string, at time.Time, e *effects) error {
	if err := s.end(ctx, sub, endedBy, at); err != nil {
		return err
	}
	r := audit.NewRecord(sub.TenantID, System, "subscription.ended", "subscription", sub.ID, s.now())
	r.Details = map[string]any{"user_id": sub.UserID, "ended_by": endedBy}
	if err := s.d.Audit.Append(ctx, r); err != nil {
		return err
	}
	e.tell(Event{Kind: EventCanceled, Subscription: *sub})
	return nil
}

// renew starts the next period at the plan's current terms (or the plan a change waits to move
// to), bills it and collects it; a refused payment makes the subscription past due.
func (s *Service) renew(ctx context.Context, sub *Subscription, billing Settings, e *effects) error {
	planID := sub.PlanID
	if sub.PendingPlanID != "" {
		planID = sub.PendingPlanID
	}
	p, err := s.d.Plans.Get(ctx, planID, false)
	if err != nil {
		return err
	}
	start := sub.PeriodEnd
	if sub.Status == StatusTrialing || p.BillingCycle != sub.BillingCycle {
		sub.Anchor, sub.PeriodNumber = start, 0
	}
	sub.withTerms(p)
	sub.PendingPlanID = ""
	sub.PeriodNumber++
	end, ok := PeriodEnd(sub.Anchor, sub.BillingCycle, sub.PeriodNumber)
	if !ok {
		return fmt.Errorf("subscription %s: unknown billing cycle %q", sub.ID, sub.BillingCycle)
	}
	sub.PeriodStart, sub.PeriodEnd, sub.Status = start, end, StatusActive
	sub.DunningAttempts, sub.NextAttemptAt, sub.TrialNotified = 0, nil, true
	var discount int64
	if sub.DiscountPending && sub.CouponID != "" {
		c, err := s.d.Coupons.Get(ctx, sub.TenantID, sub.CouponID)
		if err != nil && !errors.Is(err, ports.ErrNotFound) {
			return err
		}
		if err == nil {
			discount = coupon.Off(c, sub.Price).Minor
		}
		sub.DiscountPending = false
	}
	sub.Paid = money.Amount{Minor: sub.Price.Minor - discount, Digits: sub.Price.Digits, Currency: sub.Price.Currency}
	inv, err := s.d.Invoices.ForPeriod(ctx, sub.TenantID, sub.ID, start)
	if errors.Is(err, ports.ErrNotFound) {
		inv, err = s.bill(ctx, sub, billing, invoice.ReasonCycle, discount)
	}
	if err != nil {
		return err
	}
	e.issued(&inv)
	return s.collect(ctx, sub, &inv, e)
}

// retry tries the open renewal invoice again.
func (s *Service) retry(ctx context.Context, sub *Subscription, e *effects) error {
	inv, err := s.d.Invoices.ForPeriod(ctx, sub.TenantID, sub.ID, sub.PeriodStart)
	if errors.Is(err, ports.ErrNotFound) {
		sub.Status, sub.DunningAttempts, sub.NextAttemptAt = StatusActive, 0, nil
		return nil
	}
	if err != nil {
		return err
	}
	return s.collect(ctx, sub, &inv, e)
}

// collect charges a renewal invoice and moves the subscription along the dunning schedule.
func (s *Service) collect(ctx context.Context, sub *Subscription, inv *invoice.Invoice, fx *effects) error {
	payer, err := s.renewalPayer(ctx, *sub)
	if err != nil {
		return err
	}
	key := fmt.Sprintf("sub-%s-p%d-a%d", sub.ID, sub.PeriodNumber, inv.Attempts+1)
	decline, err := s.d.Invoices.Collect(ctx, inv, payer, key)
	if err != nil {
		return err
	}
	if decline == nil {
		sub.Status, sub.DunningAttempts, sub.NextAttemptAt = StatusActive, 0, nil
		fx.tell(Event{Kind: EventRenewed, Subscription: *sub, Invoice: inv})
		return nil
	}
	sub.DunningAttempts++
	e := Event{Kind: EventPaymentFailed, Invoice: inv, Attempt: sub.DunningAttempts}
	if sub.DunningAttempts > len(s.d.Dunning) {
		e.Final = true
		if err := s.finish(ctx, sub, EndedByPaymentFailed, s.now(), fx); err != nil {
			return err
		}
	} else {
		next := sub.PeriodStart.Add(s.d.Dunning[sub.DunningAttempts-1])
		sub.Status, sub.NextAttemptAt, e.NextAttempt = StatusPastDue, &next, &next
	}
	e.Subscription = *sub
	fx.tell(e)
	return nil
}

// paymentDeclined is a refused first payment, as a subscriber sees it.
func paymentDeclined(d *ports.DeclineError) error {
	reason := "was declined by the card issuer; use another payment method"
	if d.Code == ports.DeclineInsufficientFunds {
		reason = "was declined by the card issuer: insufficient funds"
	}
	return &ports.Error{Kind: ports.ErrInvalid, Code: "PAYMENT_DECLINED", Message: "The payment was declined; nothing was charged or changed.",
		Fields: []ports.FieldError{{Field: "payment_method_id", Reason: reason}}, Cause: d}
}

// couponError shows a coupon that cannot be used as a fault of the coupon_code field.
func couponError(err error) error {
	var pe *ports.Error
	if !errors.As(err, &pe) {
		return err
	}
	switch {
	case errors.Is(err, ports.ErrNotFound):
		return &ports.Error{Kind: ports.ErrInvalid, Code: "COUPON_NOT_FOUND", Message: "The coupon code is not valid.",
			Fields: []ports.FieldError{{Field: "coupon_code", Reason: "is not a coupon of this client"}}, Cause: err}
	case errors.Is(err, ports.ErrConflict):
		return &ports.Error{Kind: ports.ErrInvalid, Code: pe.Code, Message: pe.Message,
			Fields: []ports.FieldError{{Field: "coupon_code", Reason: strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(pe.Code, "COUPON_"), "_", " "))}},
			Cause:  err}
	}
	return err
}

// renameField shows a field error of another use case under this one's field name.
func renameField(err error, from, to string) error {
	var pe *ports.Error
	if !errors.As(err, &pe) {
		return err
	}
	out := *pe
	out.Fields = make([]ports.FieldError, len(pe.Fields))
	for i, f := range pe.Fields {
		if f.Field == from {
			f.Field = to
		}
		out.Fields[i] = f
	}
	return &out
}
