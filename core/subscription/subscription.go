package subscription

import (
	"time"

	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/core/plan"
	"github.com/stvos/stvos/ports"
)

// The statuses of a subscription.
const (
	// StatusTrialing: in its free trial; the first invoice comes at the trial's end.
	StatusTrialing = "trialing"
	// StatusActive: paid for the current period.
	StatusActive = "active"
	// StatusPastDue: the renewal's payment failed; it is retried on the dunning schedule while the
	// subscriber keeps watching, and the subscription is canceled when the retries run out.
	StatusPastDue = "past_due"
	// StatusPaused: the subscriber paused it; nothing renews and the plan's benefits stop until it
	// is resumed, when the paid time left at the pause is given back.
	StatusPaused = "paused"
	// StatusCanceled: ended; an account may start a new subscription.
	StatusCanceled = "canceled"
)

// Statuses lists them.
var Statuses = []string{StatusTrialing, StatusActive, StatusPastDue, StatusPaused, StatusCanceled}

// Who or what ended a subscription.
const (
	EndedBySubscriber    = "subscriber"
	EndedAtPeriodEnd     = "period_end"
	EndedByPaymentFailed = "payment_failed"
	EndedByAdmin         = "admin"
	EndedByDeletion      = "deletion"
)

// MaxCancelReasonLength bounds the reason a subscriber gives.
const MaxCancelReasonLength = 500

// Subscription is an account's subscription to a plan of its client.
type Subscription struct {
	ID       string
	TenantID string
	UserID   string
	PlanID   string
	Status   string
	// Terms are the plan's as they were when the current period began: price, cycle, profile and
	// stream limits. A change of the plan reaches the subscription at its next renewal.
	Price                money.Amount
	BillingCycle         string
	MaxProfiles          int
	MaxConcurrentStreams int
	// Anchor is what billing periods are counted from; PeriodNumber is the current period's (0
	// during the trial).
	Anchor       time.Time
	PeriodNumber int
	PeriodStart  time.Time
	PeriodEnd    time.Time
	// Paid is what was paid for the current period (after discounts, before tax): what a change
	// of plan credits a part of.
	Paid              money.Amount
	CancelAtPeriodEnd bool
	CanceledAt        *time.Time
	CancelReason      string
	EndedBy           string
	PausedAt          *time.Time
	TrialStart        *time.Time
	TrialEnd          *time.Time
	// PaymentMethodID is the stored method renewals charge (the account's default when empty or
	// removed).
	PaymentMethodID string
	// CouponID is the coupon redeemed with the subscription; DiscountPending says its discount is
	// still to be taken off the next invoice (a coupon discounts one invoice).
	CouponID        string
	DiscountPending bool
	// PendingPlanID is the plan a change waiting for the period's end moves to.
	PendingPlanID string
	// DunningAttempts counts failed payments of the open renewal; NextAttemptAt is the next retry.
	DunningAttempts int
	NextAttemptAt   *time.Time
	TrialNotified   bool
	// DueAt is when the billing sweep next has something to do; nil when nothing is scheduled.
	DueAt     *time.Time
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Live reports whether the subscription has not ended.
func (s Subscription) Live() bool { return s.Status != StatusCanceled }

// Entitled reports whether the subscriber has the plan's benefits now: trialing, active, or past
// due (during dunning).
func (s Subscription) Entitled() bool {
	return s.Status == StatusTrialing || s.Status == StatusActive || s.Status == StatusPastDue
}

// NextBillingDate is when the next invoice is due: the period's end, unless nothing will be billed
// (canceled, set to cancel, paused).
func (s Subscription) NextBillingDate() *time.Time {
	if !s.Entitled() || s.CancelAtPeriodEnd {
		return nil
	}
	if s.Status == StatusPastDue && s.NextAttemptAt != nil {
		t := *s.NextAttemptAt
		return &t
	}
	t := s.PeriodEnd
	return &t
}

// AutoRenew reports whether the subscription renews at its period's end.
func (s Subscription) AutoRenew() bool { return s.Live() && !s.CancelAtPeriodEnd }

// withTerms copies a plan's terms onto the subscription.
func (s *Subscription) withTerms(p plan.Plan) {
	s.PlanID, s.Price, s.BillingCycle, s.MaxProfiles, s.MaxConcurrentStreams =
		p.ID, p.Price, p.BillingCycle, p.MaxProfiles, p.MaxConcurrentStreams
}

// schedule sets DueAt: the earliest time the sweep has something to do.
func (s *Subscription) schedule(trialNotice time.Duration) {
	s.DueAt = nil
	set := func(t time.Time) {
		if s.DueAt == nil || t.Before(*s.DueAt) {
			u := t
			s.DueAt = &u
		}
	}
	switch s.Status {
	case StatusTrialing:
		set(s.PeriodEnd)
		if !s.TrialNotified && !s.CancelAtPeriodEnd {
			set(s.PeriodEnd.Add(-trialNotice))
		}
	case StatusActive:
		set(s.PeriodEnd)
	case StatusPastDue:
		if s.NextAttemptAt != nil {
			set(*s.NextAttemptAt)
		}
		if s.CancelAtPeriodEnd {
			set(s.PeriodEnd)
		}
	}
}

// The errors of this context, with their stable codes.
var (
	// ErrExists refuses a second subscription while one has not ended.
	ErrExists = ports.Conflict("SUBSCRIPTION_EXISTS",
		"This account already has a subscription that has not ended; change its plan or cancel it instead.")
	// ErrNone answers an account without a subscription that has not ended.
	ErrNone = &ports.Error{Kind: ports.ErrNotFound, Code: "SUBSCRIPTION_NOT_FOUND", Message: "This account has no subscription."}
	// ErrCanceled refuses changing a subscription that has ended.
	ErrCanceled = ports.Conflict("SUBSCRIPTION_CANCELED", "The subscription has ended; start a new one.")
)

func wrongStatus(s Subscription, action string) error {
	return ports.Conflict("SUBSCRIPTION_"+map[string]string{StatusTrialing: "TRIALING", StatusActive: "ACTIVE",
		StatusPastDue: "PAST_DUE", StatusPaused: "PAUSED", StatusCanceled: "CANCELED"}[s.Status],
		"A subscription that is "+s.Status+" cannot be "+action+".")
}
