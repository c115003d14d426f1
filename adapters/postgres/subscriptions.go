package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/subscription"
)

// SubscriptionStore implements subscription.Store.
type SubscriptionStore struct{}

var _ subscription.Store = SubscriptionStore{}

const subscriptionColumns = `tenant_id, id, user_id, plan_id, status, price_minor, price_digits, currency, billing_cycle, max_profiles,
	max_concurrent_streams, anchor, period_number, current_period_start, current_period_end, paid_minor, cancel_at_period_end,
	canceled_at, cancel_reason, ended_by, paused_at, trial_start, trial_end, payment_method_id, coupon_id, discount_pending,
	pending_plan_id, dunning_attempts, next_attempt_at, trial_notified, due_at, version, updated_at, created_at`

func scanSubscription(row pgx.Row) (subscription.Subscription, error) {
	var (
		s                       subscription.Subscription
		method, coupon, pending *string
	)
	err := row.Scan(&s.TenantID, &s.ID, &s.UserID, &s.PlanID, &s.Status, &s.Price.Minor, &s.Price.Digits, &s.Price.Currency,
		&s.BillingCycle, &s.MaxProfiles, &s.MaxConcurrentStreams, &s.Anchor, &s.PeriodNumber, &s.PeriodStart, &s.PeriodEnd,
		&s.Paid.Minor, &s.CancelAtPeriodEnd, &s.CanceledAt, &s.CancelReason, &s.EndedBy, &s.PausedAt, &s.TrialStart, &s.TrialEnd,
		&method, &coupon, &s.DiscountPending, &pending, &s.DunningAttempts, &s.NextAttemptAt, &s.TrialNotified, &s.DueAt,
		&s.Version, &s.UpdatedAt, &s.CreatedAt)
	s.Paid.Digits, s.Paid.Currency = s.Price.Digits, s.Price.Currency
	s.PaymentMethodID, s.CouponID, s.PendingPlanID = deref(method), deref(coupon), deref(pending)
	for _, t := range []*time.Time{&s.Anchor, &s.PeriodStart, &s.PeriodEnd, &s.CreatedAt, &s.UpdatedAt} {
		*t = t.UTC()
	}
	for _, t := range []**time.Time{&s.CanceledAt, &s.PausedAt, &s.TrialStart, &s.TrialEnd, &s.NextAttemptAt, &s.DueAt} {
		*t = utcPtr(*t)
	}
	return s, err
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// orNull is s, or NULL when empty.
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// subscriptionArgs are a subscription's columns in subscriptionColumns' order, created_at last so
// that an update can leave it out.
func subscriptionArgs(s subscription.Subscription) []any {
	return []any{s.TenantID, s.ID, s.UserID, s.PlanID, s.Status, s.Price.Minor, s.Price.Digits, s.Price.Currency, s.BillingCycle,
		s.MaxProfiles, s.MaxConcurrentStreams, s.Anchor, s.PeriodNumber, s.PeriodStart, s.PeriodEnd, s.Paid.Minor, s.CancelAtPeriodEnd,
		s.CanceledAt, s.CancelReason, s.EndedBy, s.PausedAt, s.TrialStart, s.TrialEnd, orNull(s.PaymentMethodID), orNull(s.CouponID),
		s.DiscountPending, orNull(s.PendingPlanID), s.DunningAttempts, s.NextAttemptAt, s.TrialNotified, s.DueAt, s.Version,
		s.UpdatedAt, s.CreatedAt}
}

// LockAccount takes a transaction-scoped advisory lock named after the tenant and the account.
func (SubscriptionStore) LockAccount(ctx context.Context, userID string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('subscriptions:' || app_tenant_id()::text || ':' || $1::uuid::text, 0))`, userID)
	return translate(err, "account")
}

// Create inserts a subscription.
func (SubscriptionStore) Create(ctx context.Context, s subscription.Subscription) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO subscriptions (`+subscriptionColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,
		$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$30,$31,$32,$33,$34)`, subscriptionArgs(s)...)
	return translate(err, "subscription")
}

// Get loads a subscription.
func (SubscriptionStore) Get(ctx context.Context, id string, forUpdate bool) (subscription.Subscription, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return subscription.Subscription{}, err
	}
	q := `SELECT ` + subscriptionColumns + ` FROM subscriptions WHERE tenant_id = app_tenant_id() AND id = $1`
	if forUpdate {
		q += ` FOR UPDATE`
	}
	s, err := scanSubscription(tx.QueryRow(ctx, q, id))
	return s, translate(err, "subscription")
}

// Current loads the account's subscription that has not ended, else its latest.
func (SubscriptionStore) Current(ctx context.Context, userID string, forUpdate bool) (subscription.Subscription, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return subscription.Subscription{}, err
	}
	q := `SELECT ` + subscriptionColumns + ` FROM subscriptions WHERE tenant_id = app_tenant_id() AND user_id = $1
		ORDER BY status = 'canceled', created_at DESC, id DESC LIMIT 1`
	if forUpdate {
		q += ` FOR UPDATE`
	}
	s, err := scanSubscription(tx.QueryRow(ctx, q, userID))
	return s, translate(err, "subscription")
}

// HadAny reports whether the account ever had a subscription.
func (SubscriptionStore) HadAny(ctx context.Context, userID string) (bool, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return false, err
	}
	var any bool
	err = tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM subscriptions WHERE tenant_id = app_tenant_id() AND user_id = $1)`, userID).Scan(&any)
	return any, translate(err, "subscription")
}

// Save stores a subscription's changes.
func (SubscriptionStore) Save(ctx context.Context, s subscription.Subscription) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE subscriptions SET plan_id = $4, status = $5, price_minor = $6, price_digits = $7, currency = $8,
			billing_cycle = $9, max_profiles = $10, max_concurrent_streams = $11, anchor = $12, period_number = $13,
			current_period_start = $14, current_period_end = $15, paid_minor = $16, cancel_at_period_end = $17, canceled_at = $18,
			cancel_reason = $19, ended_by = $20, paused_at = $21, trial_start = $22, trial_end = $23, payment_method_id = $24,
			coupon_id = $25, discount_pending = $26, pending_plan_id = $27, dunning_attempts = $28, next_attempt_at = $29,
			trial_notified = $30, due_at = $31, version = $32, updated_at = $33
		WHERE tenant_id = $1 AND id = $2 AND user_id = $3`, subscriptionArgs(s)[:33]...)
	if err != nil {
		return translate(err, "subscription")
	}
	if tag.RowsAffected() == 0 {
		return translate(pgx.ErrNoRows, "subscription")
	}
	return nil
}

// Due answers the subscriptions of every tenant with something due at now, the earliest first
// (the subscriptions_due index; the platform scope reads across tenants).
func (SubscriptionStore) Due(ctx context.Context, now time.Time, limit int) ([]subscription.Ref, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT tenant_id::text, id::text FROM subscriptions WHERE due_at IS NOT NULL AND due_at <= $1
		ORDER BY due_at LIMIT $2`, now, limit)
	if err != nil {
		return nil, translate(err, "subscription")
	}
	refs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (subscription.Ref, error) {
		var ref subscription.Ref
		return ref, r.Scan(&ref.TenantID, &ref.SubscriptionID)
	})
	return refs, translate(err, "subscription")
}
