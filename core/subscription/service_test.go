package subscription

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/coupon"
	"github.com/stvos/stvos/core/invoice"
	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/core/payment"
	"github.com/stvos/stvos/core/plan"
	"github.com/stvos/stvos/ports"
)

// The fakes below keep everything in memory and run units of work inline: enough to test the use
// cases' decisions (what is charged, when, and what is given back) without a database.

type inline struct{}

func (inline) Do(ctx context.Context, _ ports.Scope, fn func(context.Context) error) error {
	return fn(ctx)
}
func (inline) Read(ctx context.Context, _ ports.Scope, fn func(context.Context) error) error {
	return fn(ctx)
}

type memStore struct{ subs map[string]Subscription }

func (m *memStore) LockAccount(context.Context, string) error { return nil }
func (m *memStore) Create(_ context.Context, s Subscription) error {
	m.subs[s.ID] = s
	return nil
}
func (m *memStore) Get(_ context.Context, id string, _ bool) (Subscription, error) {
	s, ok := m.subs[id]
	if !ok {
		return Subscription{}, ports.NotFound("subscription")
	}
	return s, nil
}
func (m *memStore) Current(_ context.Context, userID string, _ bool) (Subscription, error) {
	for _, s := range m.subs {
		if s.UserID == userID && s.Live() {
			return s, nil
		}
	}
	return Subscription{}, ports.NotFound("subscription")
}
func (m *memStore) HadAny(context.Context, string) (bool, error) { return len(m.subs) > 0, nil }
func (m *memStore) Save(_ context.Context, s Subscription) error {
	m.subs[s.ID] = s
	return nil
}
func (m *memStore) Due(context.Context, time.Time, int) ([]Ref, error) { return nil, nil }

type memPlans map[string]plan.Plan

func (p memPlans) Get(_ context.Context, id string, _ bool) (plan.Plan, error) {
	if pl, ok := p[id]; ok {
		return pl, nil
	}
	return plan.Plan{}, ports.NotFound("plan")
}

// gateway records charges and refunds; declines every charge while decline is set.
type gateway struct {
	decline bool
	charges []ports.ChargeRequest
	refunds []ports.RefundRequest
}

func (g *gateway) Name() string { return "fake" }
func (g *gateway) EnsureCustomer(context.Context, string, string) (string, error) {
	return "cus_1", nil
}
func (g *gateway) AttachMethod(context.Context, string, string, string) (ports.PaymentMethod, error) {
	return ports.PaymentMethod{}, errors.New("not used")
}
func (g *gateway) DetachMethod(context.Context, string, string, string) error { return nil }
func (g *gateway) Charge(_ context.Context, _ string, r ports.ChargeRequest) (ports.Charge, error) {
	g.charges = append(g.charges, r)
	if g.decline {
		return ports.Charge{}, &ports.DeclineError{Code: ports.DeclineInsufficientFunds}
	}
	return ports.Charge{ID: "ch_" + r.IdempotencyKey, Amount: r.Amount, Currency: r.Currency, Status: ports.PaymentSucceeded}, nil
}
func (g *gateway) Refund(_ context.Context, _ string, r ports.RefundRequest) (ports.Refund, error) {
	g.refunds = append(g.refunds, r)
	return ports.Refund{ID: "re_1", ChargeID: r.ChargeID, Status: ports.PaymentSucceeded}, nil
}

type methods struct{ gw *gateway }

func (m methods) card() payment.Method {
	return payment.Method{ID: "0190a0a0-0000-7000-8000-00000000000a", UserID: "u1", Gateway: "fake", CustomerID: "cus_1",
		GatewayID: "pm_1", IsDefault: true, ExpYear: 2099, ExpMonth: 12}
}
func (m methods) Method(_ context.Context, _, id string) (payment.Method, error) {
	if id != m.card().ID {
		return payment.Method{}, ports.NotFound("payment method")
	}
	return m.card(), nil
}
func (m methods) Default(context.Context, string) (payment.Method, error) { return m.card(), nil }
func (m methods) Attach(context.Context, string, string, string) (payment.Method, error) {
	return payment.Method{}, errors.New("not used")
}
func (m methods) Gateway(string) (ports.Payments, error) { return m.gw, nil }

// invoices issues and collects in memory, charging through the payer as invoice.Service does.
type invoices struct {
	issued []invoice.Invoice
	byID   map[string]*invoice.Invoice
}

func (v *invoices) Issue(_ context.Context, tenantID string, d invoice.Draft) (invoice.Invoice, int64, error) {
	inv := invoice.Invoice{ID: ports.NewID(), TenantID: tenantID, UserID: d.UserID, SubscriptionID: d.SubscriptionID,
		Status: invoice.StatusOpen, BillingReason: d.BillingReason, Currency: d.Currency, Digits: d.Digits, Lines: d.Lines,
		PeriodStart: d.PeriodStart}
	var credit int64
	inv.Subtotal, inv.Discount, inv.Tax, inv.Total, credit = d.Totals()
	v.issued = append(v.issued, inv)
	v.byID[inv.ID] = &v.issued[len(v.issued)-1]
	return inv, credit, nil
}
func (v *invoices) Collect(ctx context.Context, inv *invoice.Invoice, p *invoice.Payer, key string) (*ports.DeclineError, error) {
	inv.Attempts++
	ch, err := p.Gateway.Charge(ctx, inv.TenantID, ports.ChargeRequest{Amount: inv.Due(), Currency: inv.Currency, IdempotencyKey: key})
	if d := ports.AsDecline(err); d != nil {
		*v.byID[inv.ID] = *inv
		return d, nil
	}
	inv.Paid, inv.ChargeID, inv.Gateway, inv.Status = inv.Total, ch.ID, "fake", invoice.StatusPaid
	*v.byID[inv.ID] = *inv
	return nil, err
}
func (v *invoices) Finalize(_ context.Context, inv *invoice.Invoice) error {
	if inv.Number == "" {
		inv.Number = "INV-TEST-" + inv.ID
		*v.byID[inv.ID] = *inv
	}
	return nil
}
func (v *invoices) MarkUncollectible(_ context.Context, inv *invoice.Invoice) error {
	inv.Status = invoice.StatusUncollectible
	*v.byID[inv.ID] = *inv
	return nil
}
func (v *invoices) ForPeriod(_ context.Context, _, subID string, start time.Time) (invoice.Invoice, error) {
	for _, inv := range v.issued {
		if inv.SubscriptionID == subID && inv.BillingReason == invoice.ReasonCycle && inv.PeriodStart.Equal(start) {
			return *v.byID[inv.ID], nil
		}
	}
	return invoice.Invoice{}, ports.NotFound("invoice")
}

type nobody struct{}

func (nobody) Credit(context.Context, string, string, money.Amount, string, string) (money.Amount, error) {
	return money.Amount{}, nil
}
func (nobody) Billing(context.Context, string) (Settings, error) {
	return Settings{Policy: DefaultChangePolicy}, nil
}
func (nobody) Billed(context.Context, string, string) (string, string, error) {
	return "Ada", "ada@x.test", nil
}
func (nobody) Redeem(context.Context, string, string, string, plan.Plan) (coupon.Coupon, coupon.Discount, error) {
	return coupon.Coupon{}, coupon.Discount{}, ports.NotFound("coupon")
}
func (nobody) Get(context.Context, string, string) (coupon.Coupon, error) {
	return coupon.Coupon{}, ports.NotFound("coupon")
}
func (nobody) Enqueue(context.Context, ports.Job) error { return nil }

type streams struct{ stopped int }

func (s *streams) StopAll(context.Context, string, string) error { s.stopped++; return nil }

type notices struct{ events []Event }

func (n *notices) Notify(_ context.Context, e Event) error {
	n.events = append(n.events, e)
	return nil
}

// failingAudit fails from the n-th append on (never when n is 0).
type failingAudit struct{ n, seen int }

func (a *failingAudit) Append(context.Context, audit.Record) error {
	a.seen++
	if a.n > 0 && a.seen >= a.n {
		return errors.New("the audit store is down")
	}
	return nil
}
func (a *failingAudit) List(context.Context, string, audit.Filter, string, int) ([]audit.Record, error) {
	return nil, nil
}

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

type fixture struct {
	svc      *Service
	store    *memStore
	gw       *gateway
	invoices *invoices
	streams  *streams
	notices  *notices
	audit    *failingAudit
	clock    *clock
	planID   string
}

func newFixture(t *testing.T, trialDays int) *fixture {
	t.Helper()
	f := &fixture{store: &memStore{subs: map[string]Subscription{}}, gw: &gateway{}, invoices: &invoices{byID: map[string]*invoice.Invoice{}},
		streams: &streams{}, notices: &notices{}, audit: &failingAudit{}, clock: &clock{t: day("2026-01-31T10:00:00Z")},
		planID: "0190a0a0-0000-7000-8000-0000000000b1"}
	plans := memPlans{f.planID: {ID: f.planID, Name: "Family", Price: money.Amount{Minor: 1250, Digits: 2, Currency: "USD"}, IsActive: true,
		Terms: plan.Terms{BillingCycle: plan.CycleMonthly, MaxProfiles: 4, MaxConcurrentStreams: 2, TrialDays: trialDays}}}
	f.svc = NewService(Deps{UnitOfWork: inline{}, Store: f.store, Plans: plans, Coupons: nobody{}, Methods: methods{gw: f.gw},
		Invoices: f.invoices, Balance: nobody{}, Clients: nobody{}, Accounts: nobody{}, Streams: f.streams, Notices: f.notices,
		Jobs: nobody{}, Audit: f.audit, Clock: f.clock})
	return f
}

func (f *fixture) subscribe(t *testing.T) Subscription {
	t.Helper()
	sub, err := f.svc.Create(context.Background(), "t1", audit.Actor{Kind: "user", ID: "u1"}, "u1",
		NewSubscription{PlanID: f.planID, PaymentMethod: methods{}.card().ID})
	require.NoError(t, err)
	return sub
}

func TestAChargeWhoseUnitOfWorkFailsIsGivenBack(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0)
	f.audit.n = 1 // the subscription's audit record fails after the charge
	_, err := f.svc.Create(context.Background(), "t1", audit.Actor{Kind: "user", ID: "u1"}, "u1",
		NewSubscription{PlanID: f.planID, PaymentMethod: methods{}.card().ID})
	require.Error(t, err)
	require.Len(t, f.gw.charges, 1)
	require.Len(t, f.gw.refunds, 1, "the charge is refunded: no money moves without a record")
	require.Equal(t, "ch_"+f.gw.charges[0].IdempotencyKey, f.gw.refunds[0].ChargeID)

	// With an idempotency key the charge stays: the retry sends the same key and records it.
	f = newFixture(t, 0)
	f.audit.n = 1
	_, err = f.svc.Create(context.Background(), "t1", audit.Actor{Kind: "user", ID: "u1"}, "u1",
		NewSubscription{PlanID: f.planID, PaymentMethod: methods{}.card().ID, Key: "ref-1"})
	require.Error(t, err)
	require.Equal(t, "ref-1-create", f.gw.charges[0].IdempotencyKey)
	require.Empty(t, f.gw.refunds)
}

func TestDunningRetriesOnSchedule(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0)
	sub := f.subscribe(t)
	require.Equal(t, day("2026-02-28T10:00:00Z"), sub.PeriodEnd, "Jan 31 renews on the last day of February")
	ctx := context.Background()
	advance := func(to string) Subscription {
		t.Helper()
		f.clock.t = day(to)
		require.NoError(t, f.svc.Advance(ctx, "t1", sub.ID))
		got, err := f.store.Get(ctx, sub.ID, false)
		require.NoError(t, err)
		return got
	}
	// Before its end nothing happens, however often the job runs.
	s := advance("2026-02-28T09:59:59Z")
	require.Equal(t, StatusActive, s.Status)
	require.Len(t, f.gw.charges, 1)

	// The renewal is declined: past due, the retry a day after the renewal.
	f.gw.decline = true
	s = advance("2026-02-28T10:00:00Z")
	require.Equal(t, StatusPastDue, s.Status)
	require.Equal(t, day("2026-03-31T10:00:00Z"), s.PeriodEnd, "the period moved on (anchored to the 31st)")
	require.Equal(t, day("2026-03-01T10:00:00Z"), *s.NextAttemptAt)
	require.Equal(t, "sub-"+sub.ID+"-p2-a1", f.gw.charges[1].IdempotencyKey)
	// Running again before the retry is due charges nothing.
	advance("2026-03-01T09:00:00Z")
	require.Len(t, f.gw.charges, 2)
	s = advance("2026-03-01T10:00:00Z")
	require.Equal(t, day("2026-03-03T10:00:00Z"), *s.NextAttemptAt)
	s = advance("2026-03-03T10:00:00Z")
	require.Equal(t, day("2026-03-05T10:00:00Z"), *s.NextAttemptAt)
	require.Equal(t, 0, f.streams.stopped, "watching continues while past due")
	s = advance("2026-03-05T10:00:00Z")
	require.Equal(t, StatusCanceled, s.Status)
	require.Equal(t, EndedByPaymentFailed, s.EndedBy)
	require.Equal(t, 1, f.streams.stopped)
	require.Len(t, f.gw.charges, 5, "the first period, the renewal and three retries")
	require.Equal(t, "sub-"+sub.ID+"-p2-a4", f.gw.charges[4].IdempotencyKey, "each attempt named once at the gateway")
	inv, err := f.invoices.ForPeriod(ctx, "t1", sub.ID, day("2026-02-28T10:00:00Z"))
	require.NoError(t, err)
	require.Equal(t, invoice.StatusUncollectible, inv.Status)
	var failures []int
	for _, e := range f.notices.events {
		if e.Kind == EventPaymentFailed {
			failures = append(failures, e.Attempt)
			require.Equal(t, e.Attempt == 4, e.Final)
			require.NotEmpty(t, e.Invoice.Number, "told after the invoice is numbered")
		}
	}
	require.Equal(t, []int{1, 2, 3, 4}, failures)
	// Ended, the job does nothing more.
	advance("2026-06-01T10:00:00Z")
	require.Len(t, f.gw.charges, 5)
}

func TestARetryThatSucceedsEndsDunning(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0)
	sub := f.subscribe(t)
	ctx := context.Background()
	f.gw.decline = true
	f.clock.t = sub.PeriodEnd
	require.NoError(t, f.svc.Advance(ctx, "t1", sub.ID))
	f.gw.decline = false
	f.clock.t = sub.PeriodEnd.Add(24 * time.Hour)
	require.NoError(t, f.svc.Advance(ctx, "t1", sub.ID))
	s, _ := f.store.Get(ctx, sub.ID, false)
	require.Equal(t, StatusActive, s.Status)
	require.Nil(t, s.NextAttemptAt)
	require.Equal(t, 0, s.DunningAttempts)
	require.Equal(t, s.PeriodEnd, *s.DueAt, "next due at the period's end")
}

func TestATrialIsNoticedThenBilledAtItsEnd(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 14)
	sub := f.subscribe(t)
	require.Equal(t, StatusTrialing, sub.Status)
	require.Empty(t, f.gw.charges, "nothing is charged during the trial")
	require.Equal(t, sub.PeriodEnd.Add(-DefaultTrialNotice), *sub.DueAt, "due first for the notice")
	ctx := context.Background()
	f.clock.t = sub.PeriodEnd.Add(-48 * time.Hour)
	require.NoError(t, f.svc.Advance(ctx, "t1", sub.ID))
	require.NoError(t, f.svc.Advance(ctx, "t1", sub.ID))
	var notices int
	for _, e := range f.notices.events {
		if e.Kind == EventTrialEnding {
			notices++
		}
	}
	require.Equal(t, 1, notices, "told once, however often the job runs")
	f.clock.t = sub.PeriodEnd
	require.NoError(t, f.svc.Advance(ctx, "t1", sub.ID))
	s, _ := f.store.Get(ctx, sub.ID, false)
	require.Equal(t, StatusActive, s.Status)
	require.Equal(t, sub.PeriodEnd, s.PeriodStart)
	require.Equal(t, sub.PeriodEnd.AddDate(0, 1, 0), s.PeriodEnd)
	require.Len(t, f.gw.charges, 1)
	require.Equal(t, int64(1250), f.gw.charges[0].Amount)
}
