package subscriber

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/payment"
	"github.com/stvos/stvos/core/plan"
	"github.com/stvos/stvos/core/subscription"
	"github.com/stvos/stvos/ports"
)

// SubscriptionBody is a subscription as the specification shows it.
type SubscriptionBody struct {
	ID                 string     `json:"id" format:"uuid"`
	UserID             string     `json:"user_id" format:"uuid"`
	PlanID             string     `json:"plan_id" format:"uuid"`
	Plan               PlanBody   `json:"plan" doc:"The plan, with the price, billing cycle and limits this subscription has in its current period (a plan's later changes reach it at its next renewal)."`
	Status             string     `json:"status" enum:"trialing,active,past_due,paused,canceled" doc:"past_due: a renewal's payment failed and is retried on the dunning schedule (1, 3 and 5 days after the renewal) while the subscriber keeps watching; when the last retry fails the subscription is canceled. paused: nothing renews and the plan's benefits stop until resumed."`
	AutoRenew          bool       `json:"auto_renew" doc:"Whether the subscription renews at current_period_end."`
	CurrentPeriodStart time.Time  `json:"current_period_start"`
	CurrentPeriodEnd   time.Time  `json:"current_period_end"`
	NextBillingDate    *time.Time `json:"next_billing_date" nullable:"true" doc:"When the next invoice is due: the period's end, or the next retry while past due; null when nothing will be billed (canceled, set to cancel, paused)."`
	CancelAtPeriodEnd  bool       `json:"cancel_at_period_end"`
	CanceledAt         *time.Time `json:"canceled_at" nullable:"true"`
	PausedAt           *time.Time `json:"paused_at" nullable:"true"`
	TrialStart         *time.Time `json:"trial_start" nullable:"true"`
	TrialEnd           *time.Time `json:"trial_end" nullable:"true"`
	PaymentMethodID    *string    `json:"payment_method_id" nullable:"true" format:"uuid" doc:"The stored payment method renewals charge: the account's default, else the method the subscription started with."`
	PaymentMethodLast4 *string    `json:"payment_method_last4" nullable:"true"`
	CouponID           *string    `json:"coupon_id" nullable:"true" format:"uuid"`
	PendingPlanID      *string    `json:"pending_plan_id" nullable:"true" format:"uuid" doc:"The plan a change waiting for the period's end moves to at the next renewal; null when none."`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
}

// subscriptionBody shows a subscription with the method its renewals charge: the account's
// default, else the one it started with (methods are the account's).
func subscriptionBody(s subscription.Subscription, p plan.Plan, methods []payment.Method) SubscriptionBody {
	p.Price, p.BillingCycle, p.MaxProfiles, p.MaxConcurrentStreams = s.Price, s.BillingCycle, s.MaxProfiles, s.MaxConcurrentStreams
	b := SubscriptionBody{ID: s.ID, UserID: s.UserID, PlanID: s.PlanID, Plan: planBody(p), Status: s.Status, AutoRenew: s.AutoRenew(),
		CurrentPeriodStart: s.PeriodStart, CurrentPeriodEnd: s.PeriodEnd, NextBillingDate: s.NextBillingDate(),
		CancelAtPeriodEnd: s.CancelAtPeriodEnd, CanceledAt: s.CanceledAt, PausedAt: s.PausedAt, TrialStart: s.TrialStart,
		TrialEnd: s.TrialEnd, PaymentMethodID: nullable(s.PaymentMethodID), CouponID: nullable(s.CouponID),
		PendingPlanID: nullable(s.PendingPlanID), CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
	for _, m := range methods {
		if m.IsDefault || (b.PaymentMethodLast4 == nil && m.ID == s.PaymentMethodID) {
			b.PaymentMethodID, b.PaymentMethodLast4 = nullable(m.ID), nullable(m.Last4)
		}
	}
	return b
}

// SubscriptionOutput is one subscription.
type SubscriptionOutput struct {
	Body SubscriptionBody
}

// CreateSubscriptionInput is the specification's Create Subscription request.
type CreateSubscriptionInput struct {
	Body struct {
		PlanID          string `json:"plan_id" maxLength:"36" doc:"An active plan of the client (GET /plans)."`
		PaymentMethodID string `json:"payment_method_id" minLength:"1" maxLength:"255" doc:"The id of a stored payment method of the account (POST /payment-methods), or a payment method token from the client-side payment SDK, which is attached to the account first. Never raw card data."`
		CouponCode      string `json:"coupon_code,omitempty" maxLength:"50"`
	}
}

// ChangePlanInput is the specification's Upgrade / Downgrade request.
type ChangePlanInput struct {
	Body struct {
		PlanID     string `json:"plan_id" maxLength:"36" doc:"The plan to move to. The current plan withdraws a change waiting for the period's end."`
		CouponCode string `json:"coupon_code,omitempty" maxLength:"50" doc:"A coupon for the change (not in the specification; as /subscriptions/preview takes one): its discount comes off what is charged now, or off the next renewal when the change waits for it."`
	}
}

// CancelSubscriptionInput is the specification's Cancel request.
type CancelSubscriptionInput struct {
	Body struct {
		Immediate bool   `json:"immediate,omitempty" doc:"true: ends now, without refund. false (default): at the end of the current period."`
		Reason    string `json:"reason,omitempty" maxLength:"500"`
	}
}

// PreviewInput is the specification's Preview Plan Change request.
type PreviewInput struct {
	Body struct {
		PlanID     string `json:"plan_id" maxLength:"36"`
		CouponCode string `json:"coupon_code,omitempty" maxLength:"50"`
	}
}

// PreviewBody is the specification's preview answer, with the figures behind it.
type PreviewBody struct {
	FromPlanID      string          `json:"from_plan_id" format:"uuid"`
	ToPlanID        string          `json:"to_plan_id" format:"uuid"`
	ProrationCredit surface.Decimal `json:"proration_credit" example:"4.50" doc:"The unused part of what was paid for the current period, credited; 0 when the change waits for the period's end or during a trial."`
	ProrationCharge surface.Decimal `json:"proration_charge" example:"9.50" doc:"The new plan's price for the rest of the period (its whole cycle when the billing cycle changes, which starts a new period now)."`
	Discount        surface.Decimal `json:"discount_amount" example:"0.00" doc:"What the coupon takes off the charge."`
	TaxAmount       surface.Decimal `json:"tax_amount" example:"0.00" doc:"Tax on what is charged now, at the client's rate."`
	AmountDueNow    surface.Decimal `json:"amount_due_now" example:"5.00" doc:"What PUT /subscriptions/me/plan charges now: charge - credit - discount + tax, never below 0. The account balance pays first."`
	CreditToBalance surface.Decimal `json:"credit_to_balance" example:"0.00" doc:"Credit left over when the credit exceeds the charge, kept on the account balance for the next invoices."`
	Currency        string          `json:"currency" example:"USD"`
	NextBillingDate string          `json:"next_billing_date" format:"date" example:"2026-02-01"`
	Effective       string          `json:"effective" enum:"immediate,period_end" doc:"When the change takes effect, by the client's policy (by default upgrades now, downgrades at the period's end; during a trial always now)."`
}

// PreviewOutput is the preview.
type PreviewOutput struct {
	Body PreviewBody
}

func previewBody(q subscription.Quote) PreviewBody {
	d := func(minor int64) surface.Decimal {
		a := q.Change.DueNow
		a.Minor = minor
		return surface.Decimal(a.Decimal())
	}
	return PreviewBody{FromPlanID: q.From.ID, ToPlanID: q.To.ID, ProrationCredit: d(q.Credit.Minor), ProrationCharge: d(q.Charge.Minor),
		Discount: d(q.Discount.Minor), TaxAmount: d(q.Tax.Minor), AmountDueNow: d(q.DueNow().Minor), CreditToBalance: d(q.ToBalance.Minor),
		Currency: q.To.Price.Currency, NextBillingDate: q.NextBillingDate.UTC().Format(time.DateOnly), Effective: q.Effective}
}

const keyDoc = " Send an Idempotency-Key: a retry with the same key answers the first result and never charges twice; " +
	"the same key with another body is 422, while the first call runs 409."

func registerSubscriptions(s *surface.Surface, subs *subscription.Service, methods *payment.Service) {
	read := surface.PermitScoped("self:subscription:read", "subscription:read", surface.UserToken)
	write := func() map[string]any { return surface.Permit("self:subscription:write", surface.UserToken) }
	output := func(ctx context.Context, sub subscription.Subscription, err error) (*SubscriptionOutput, error) {
		if err != nil {
			return nil, err
		}
		p := surface.PrincipalFrom(ctx)
		cur, pl, err := subs.Current(ctx, p.TenantID, p.Subject)
		if err != nil {
			return nil, err
		}
		if cur.ID != sub.ID { // a replayed answer of an older subscription: show it as it was
			cur = sub
		}
		all, err := methods.List(ctx, p.TenantID, p.Subject)
		if err != nil {
			return nil, err
		}
		return &SubscriptionOutput{Body: subscriptionBody(cur, pl, all)}, nil
	}
	huma.Register(s.API, huma.Operation{
		OperationID: "get-my-subscription", Method: http.MethodGet, Path: "/subscriptions/me", Tags: []string{"subscriptions"},
		Summary:     "Get my subscription",
		Description: "The account's subscription that has not ended, else its latest; 404 SUBSCRIPTION_NOT_FOUND when it never had one.",
		Metadata:    read, Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, _ *struct{}) (*SubscriptionOutput, error) {
		p := surface.PrincipalFrom(ctx)
		sub, _, err := subs.Current(ctx, p.TenantID, p.Subject)
		return output(ctx, sub, err)
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "admin-get-user-subscription", Method: http.MethodGet, Path: "/admin/users/{user_id}/subscription",
		Tags:    []string{"admin-users"},
		Summary: "Get a user's subscription (admin)",
		Description: "Not in the specification; for the client's console. The account's subscription that has not ended, else its " +
			"latest; 404 SUBSCRIPTION_NOT_FOUND when it never had one (also for an account of another client).",
		Metadata: surface.Permit("admin:subscriptions:read", surface.UserToken), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *UserIDInput) (*SubscriptionOutput, error) {
		tenant := surface.PrincipalFrom(ctx).TenantID
		sub, pl, err := subs.Current(ctx, tenant, in.UserID)
		if err != nil {
			return nil, err
		}
		all, err := methods.List(ctx, tenant, in.UserID)
		if err != nil {
			return nil, err
		}
		return &SubscriptionOutput{Body: subscriptionBody(sub, pl, all)}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "create-subscription", Method: http.MethodPost, Path: "/subscriptions", Tags: []string{"subscriptions"},
		Summary: "Create / start subscription",
		Description: "Starts a subscription to an active plan. The first subscription of an account gets the plan's free trial " +
			"(trialing; the first invoice comes at the trial's end); otherwise the first period is invoiced and paid now, from the " +
			"account balance first, then by charging the payment method. A coupon discounts one invoice (the first paid one) or " +
			"adds free trial days. 409 SUBSCRIPTION_EXISTS if a subscription that has not ended exists. A declined payment is 422 " +
			"PAYMENT_DECLINED and changes nothing; an unknown plan or method, or a coupon that does not apply, is 422 naming the field." + keyDoc,
		DefaultStatus: http.StatusCreated, Metadata: surface.Idempotent(write()),
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CreateSubscriptionInput) (*SubscriptionOutput, error) {
		p := surface.PrincipalFrom(ctx)
		sub, err := subs.Create(ctx, p.TenantID, p.Actor(), p.Subject, subscription.NewSubscription{PlanID: in.Body.PlanID,
			PaymentMethod: in.Body.PaymentMethodID, CouponCode: in.Body.CouponCode, Key: callReference(ctx)})
		return output(ctx, sub, err)
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "change-plan", Method: http.MethodPut, Path: "/subscriptions/me/plan", Tags: []string{"subscriptions"},
		Summary: "Upgrade / downgrade plan",
		Description: "Changes the plan, with proration computed server-side exactly as POST /subscriptions/preview shows it. By the " +
			"client's policy (default: upgrades now, downgrades at the period's end) the change is immediate — the unused part " +
			"of the period is credited, the new plan's part charged now on an invoice with both lines, a credit beyond the " +
			"charge kept on the account balance — or waits for the renewal, which bills the new plan. During a trial the plan " +
			"changes at once and nothing is charged. Only trialing and active subscriptions change plan (409 otherwise)." + keyDoc,
		Metadata: surface.Idempotent(write()),
		Errors:   []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ChangePlanInput) (*SubscriptionOutput, error) {
		p := surface.PrincipalFrom(ctx)
		sub, _, err := subs.ChangePlan(ctx, p.TenantID, p.Actor(), p.Subject, in.Body.PlanID, in.Body.CouponCode, callReference(ctx))
		return output(ctx, sub, err)
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "cancel-subscription", Method: http.MethodPost, Path: "/subscriptions/me/cancel", Tags: []string{"subscriptions"},
		Summary: "Cancel subscription",
		Description: "Schedules cancellation at the end of the current billing period (the subscription stays usable until then " +
			"and does not renew; POST /subscriptions/me/resume withdraws it). immediate=true ends it now, without refund, and " +
			"stops the account's streams. 404 SUBSCRIPTION_NOT_FOUND when no subscription has not ended.",
		Metadata: write(), Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CancelSubscriptionInput) (*SubscriptionOutput, error) {
		p := surface.PrincipalFrom(ctx)
		sub, err := subs.Cancel(ctx, p.TenantID, p.Actor(), p.Subject, in.Body.Immediate, in.Body.Reason)
		return output(ctx, sub, err)
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "pause-subscription", Method: http.MethodPost, Path: "/subscriptions/me/pause", Tags: []string{"subscriptions"},
		Summary: "Pause subscription",
		Description: "Not in the specification. Pauses an active subscription: it stops renewing, the plan's benefits stop and " +
			"the account's streams end. Resuming gives back the time that was left of the period. 409 unless active and not set to cancel.",
		Metadata: write(), Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, func(ctx context.Context, _ *struct{}) (*SubscriptionOutput, error) {
		p := surface.PrincipalFrom(ctx)
		sub, err := subs.Pause(ctx, p.TenantID, p.Actor(), p.Subject)
		return output(ctx, sub, err)
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "resume-subscription", Method: http.MethodPost, Path: "/subscriptions/me/resume", Tags: []string{"subscriptions"},
		Summary: "Resume subscription",
		Description: "Not in the specification. Resumes a paused subscription (its period's end moves later by the time it was " +
			"paused), or withdraws a cancellation scheduled for the period's end. 409 when there is neither.",
		Metadata: write(), Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, func(ctx context.Context, _ *struct{}) (*SubscriptionOutput, error) {
		p := surface.PrincipalFrom(ctx)
		sub, err := subs.Resume(ctx, p.TenantID, p.Actor(), p.Subject)
		return output(ctx, sub, err)
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "preview-plan-change", Method: http.MethodPost, Path: "/subscriptions/preview", Tags: []string{"subscriptions"},
		Summary: "Preview plan change cost",
		Description: "Returns the proration amounts and the next billing date of a change to the plan, without committing: the " +
			"same computation PUT /subscriptions/me/plan then performs, to the minor unit (the unused fraction of the period " +
			"is measured in seconds; credit and charge are each rounded once, halves up). A coupon is checked, not redeemed.",
		Metadata: read, Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *PreviewInput) (*PreviewOutput, error) {
		p := surface.PrincipalFrom(ctx)
		q, err := subs.Preview(ctx, p.TenantID, p.Subject, in.Body.PlanID, in.Body.CouponCode)
		if err != nil {
			return nil, err
		}
		return &PreviewOutput{Body: previewBody(q)}, nil
	})
}

// callReference is the idempotent call's reference when the request sent a key, else empty.
func callReference(ctx context.Context) string {
	if c, ok := ports.IdempotentCallFrom(ctx); ok {
		return c.Reference()
	}
	return ""
}
