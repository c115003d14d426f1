package subscription

import (
	"context"
	"time"

	"github.com/stvos/stvos/core/coupon"
	"github.com/stvos/stvos/core/invoice"
	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/core/payment"
	"github.com/stvos/stvos/core/plan"
	"github.com/stvos/stvos/ports"
)

// Store keeps subscriptions, in the tenant's unit of work (Due: the platform's).
type Store interface {
	// LockAccount serialises changes to one account's subscription until the unit of work ends.
	LockAccount(ctx context.Context, userID string) error
	// Create stores a new subscription; a second one that has not ended is ports.ErrConflict
	// (SUBSCRIPTION_EXISTS).
	Create(ctx context.Context, s Subscription) error
	// Get loads a subscription of the tenant (for update when forUpdate).
	Get(ctx context.Context, id string, forUpdate bool) (Subscription, error)
	// Current loads the account's subscription that has not ended, else its latest; ports.ErrNotFound
	// when it never had one.
	Current(ctx context.Context, userID string, forUpdate bool) (Subscription, error)
	// HadAny reports whether the account ever had a subscription (a free trial is for the first).
	HadAny(ctx context.Context, userID string) (bool, error)
	// Save stores a subscription's changes; the caller holds the account's lock.
	Save(ctx context.Context, s Subscription) error
	// Due answers up to limit subscriptions of any tenant whose DueAt is at or before now, the
	// earliest first. It needs the platform scope.
	Due(ctx context.Context, now time.Time, limit int) ([]Ref, error)
}

// Ref names a subscription of a tenant.
type Ref struct {
	TenantID       string `json:"tenant_id"`
	SubscriptionID string `json:"subscription_id"`
}

// Kind names the job that brings one subscription up to date (Advance).
func (Ref) Kind() string { return AdvanceKind }

// UniqueByArgs makes the queue keep one such job per subscription waiting at a time.
func (Ref) UniqueByArgs() bool { return true }

// AdvanceKind is the kind of the job that advances one subscription.
const AdvanceKind = "subscription.advance"

// Plans loads the tenant's plans; plan.Store is one.
type Plans interface {
	Get(ctx context.Context, id string, forUpdate bool) (plan.Plan, error)
}

// Coupons redeems coupons and reads them; *coupon.Service is one.
type Coupons interface {
	Redeem(ctx context.Context, tenantID, userID, code string, p plan.Plan) (coupon.Coupon, coupon.Discount, error)
	Get(ctx context.Context, tenantID, id string) (coupon.Coupon, error)
}

// Methods finds an account's stored payment methods and attaches new ones; *payment.Service and
// payment.Store together are it (see app wiring).
type Methods interface {
	// Method loads a method of the account in the unit of work in ctx; ports.ErrNotFound when
	// it is not one of the account's.
	Method(ctx context.Context, userID, id string) (payment.Method, error)
	// Default loads the account's default method; ports.ErrNotFound when it has none.
	Default(ctx context.Context, userID string) (payment.Method, error)
	// Attach attaches a gateway token to the account and stores it (payment.Service.Add).
	Attach(ctx context.Context, tenantID string, userID string, token string) (payment.Method, error)
	// Gateway answers the gateway a method was attached with.
	Gateway(name string) (ports.Payments, error)
}

// Invoices issues and collects invoices; *invoice.Service is one.
type Invoices interface {
	Issue(ctx context.Context, tenantID string, d invoice.Draft) (invoice.Invoice, int64, error)
	Collect(ctx context.Context, inv *invoice.Invoice, payer *invoice.Payer, key string) (*ports.DeclineError, error)
	Finalize(ctx context.Context, inv *invoice.Invoice) error
	MarkUncollectible(ctx context.Context, inv *invoice.Invoice) error
	ForPeriod(ctx context.Context, tenantID, subscriptionID string, start time.Time) (invoice.Invoice, error)
}

// Balance keeps what a change of plan credits beyond what it charges.
type Balance interface {
	Credit(ctx context.Context, tenantID, userID string, a money.Amount, reason, reference string) (money.Amount, error)
}

// Settings are a client's billing settings.
type Settings struct {
	// TaxRate is in basis points (1900 is 19 percent), added to every invoice.
	TaxRate int
	Policy  ChangePolicy
}

// Clients answers a client's billing settings.
type Clients interface {
	Billing(ctx context.Context, tenantID string) (Settings, error)
}

// Accounts answers who an invoice bills.
type Accounts interface {
	Billed(ctx context.Context, tenantID, userID string) (name, email string, err error)
}

// Streams stops an account's streams when its subscription ends or pauses.
type Streams interface {
	StopAll(ctx context.Context, tenantID, userID string) error
}

// The events subscribers hear about (by email and in the app).
const (
	EventPaymentFailed = "payment_failed"
	EventRenewed       = "renewal"
	EventTrialEnding   = "trial_ending"
	EventCanceled      = "canceled"
)

// Event is something that happened to a subscription that its subscriber hears about.
type Event struct {
	Kind         string
	Subscription Subscription
	// Invoice is the invoice concerned (payment_failed, renewal).
	Invoice *invoice.Invoice
	// Attempt is the failed payment's number (1 for the renewal itself); Final says no retry
	// follows; NextAttempt is when the next one is.
	Attempt     int
	Final       bool
	NextAttempt *time.Time
}

// Notices tells subscribers, inside the unit of work of the change (enqueued jobs commit with it).
type Notices interface {
	Notify(ctx context.Context, e Event) error
}
