package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.uber.org/fx"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/adapters/river"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/balance"
	"github.com/stvos/stvos/core/coupon"
	"github.com/stvos/stvos/core/invoice"
	"github.com/stvos/stvos/core/mailer"
	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/core/notification"
	"github.com/stvos/stvos/core/payment"
	"github.com/stvos/stvos/core/plan"
	"github.com/stvos/stvos/core/playback"
	"github.com/stvos/stvos/core/subscription"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/tenants"
)

// Billing provides subscriptions and invoices: their stores, the limits a subscription gives
// (streams, profiles; read by playback and profiles), the client's billing settings, and the use
// cases, with what they tell subscribers.
var Billing = fx.Options(
	fx.Provide(
		fx.Annotate(func() postgres.SubscriptionStore { return postgres.SubscriptionStore{} }, fx.As(new(subscription.Store))),
		fx.Annotate(func() postgres.InvoiceStore { return postgres.InvoiceStore{} }, fx.As(new(invoice.Store))),
		tenants.NewBilling,
		fx.Annotate(func(s *subscription.Service) *subscription.Service { return s }, fx.As(new(river.Billing))),
		func(cfg Config, u ports.UnitOfWork, st subscription.Store) subscription.Limits {
			return subscription.Limits{UnitOfWork: u, Store: st, DefaultStreams: cfg.MaxStreams, DefaultProfiles: cfg.MaxProfiles}
		},
		func(u ports.UnitOfWork, st invoice.Store, b *balance.Service, g payment.Gateways, docs ports.Documents, t tenants.Billing,
			a audit.Store, c ports.Clock) *invoice.Service {
			return invoice.NewService(invoice.Deps{UnitOfWork: u, Store: st, Balance: b, Gateways: g, Documents: docs, Sellers: t,
				Audit: a, Clock: c})
		},
		func(u ports.UnitOfWork, st subscription.Store, plans plan.Store, coupons *coupon.Service, pm payment.Store, ps *payment.Service,
			g payment.Gateways, inv *invoice.Service, b *balance.Service, t tenants.Billing, accounts account.Store, pb *playback.Service,
			an announcer, j ports.Jobs, a audit.Store, c ports.Clock) *subscription.Service {
			people := billedPeople{uow: u, store: accounts}
			return subscription.NewService(subscription.Deps{UnitOfWork: u, Store: st, Plans: plans, Coupons: coupons,
				Methods: methods{store: pm, service: ps, gateways: g}, Invoices: inv, Balance: b, Clients: t, Accounts: people,
				Streams: pb, Notices: billingNotices{people: people, announce: an}, Jobs: j, Audit: a, Clock: c})
		},
		func(q *mailer.Queue, notes *notification.Service, r *mailer.Renderer) announcer {
			return announcer{mail: q, notes: notes, renderer: r}
		},
	),
)

// methods is what subscriptions need of payment methods: the stored ones (in the caller's unit of
// work) and attaching a token on the fly.
type methods struct {
	store    payment.Store
	service  *payment.Service
	gateways payment.Gateways
}

func (m methods) Method(ctx context.Context, userID, id string) (payment.Method, error) {
	return m.store.Get(ctx, userID, id)
}

func (m methods) Default(ctx context.Context, userID string) (payment.Method, error) {
	all, err := m.store.List(ctx, userID)
	if err != nil {
		return payment.Method{}, err
	}
	for _, pm := range all {
		if pm.IsDefault {
			return pm, nil
		}
	}
	return payment.Method{}, ports.NotFound("payment method")
}

func (m methods) Attach(ctx context.Context, tenantID, userID, token string) (payment.Method, error) {
	return m.service.Add(ctx, tenantID, audit.Actor{Kind: "user", ID: userID}, userID, payment.NewMethod{Token: token})
}

func (m methods) Gateway(name string) (ports.Payments, error) { return m.gateways.Named(name) }

// billedPeople answers who invoices bill and messages reach, from their accounts.
type billedPeople struct {
	uow   ports.UnitOfWork
	store account.Store
}

func (b billedPeople) user(ctx context.Context, tenantID, userID string) (account.User, error) {
	var u account.User
	err := b.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		u, err = b.store.ReadUser(ctx, userID)
		return err
	})
	return u, err
}

func (b billedPeople) Billed(ctx context.Context, tenantID, userID string) (string, string, error) {
	u, err := b.user(ctx, tenantID, userID)
	return u.DisplayName, u.Email, err
}

// billingNotices tells subscribers what happened to their subscription: in the app (a
// notification) and by email (a job), both in the change's unit of work, each once per event
// whatever the retries (the notification's key and the message's id name the event).
type billingNotices struct {
	people   billedPeople
	announce announcer
}

func (n billingNotices) Notify(ctx context.Context, e subscription.Event) error {
	sub := e.Subscription
	var (
		event string
		id    string
		data  = map[string]string{}
		email = true
	)
	switch {
	case e.Kind == subscription.EventPaymentFailed && e.Invoice != nil:
		inv := e.Invoice
		event, id = mailer.EventPaymentFailed, fmt.Sprintf("payment-failed-%s-%d", inv.ID, e.Attempt)
		data["amount"] = money.Format(inv.Due(), inv.Digits) + " " + inv.Currency
		data["invoice_number"], data["final"] = inv.Number, strconv.FormatBool(e.Final)
		if e.NextAttempt != nil {
			data["next_attempt"] = e.NextAttempt.UTC().Format(time.DateOnly)
		}
	case e.Kind == subscription.EventRenewed && e.Invoice != nil && e.Invoice.Total > 0:
		inv := e.Invoice
		event, id = mailer.EventRenewal, "renewal-"+inv.ID
		data["amount"] = money.Format(inv.Total, inv.Digits) + " " + inv.Currency
		data["invoice_number"], data["plan"] = inv.Number, inv.Description
		data["next_billing_date"] = sub.PeriodEnd.UTC().Format(time.DateOnly)
	case e.Kind == subscription.EventCanceled && e.Subscription.EndedBy != subscription.EndedByPaymentFailed:
		// Ended at the period's end as the subscriber asked: told in the app only (the last
		// failed payment's message says the rest).
		event, id, email = mailer.EventSubscriptionCanceled, "canceled-"+sub.ID, false
	case e.Kind == subscription.EventTrialEnding:
		event, id = mailer.EventTrialEnding, "trial-ending-"+sub.ID
		data["trial_end"] = sub.PeriodEnd.UTC().Format(time.DateOnly)
		data["amount"] = sub.Price.Decimal() + " " + sub.Price.Currency
	default:
		return nil
	}
	u, err := n.people.user(ctx, sub.TenantID, sub.UserID)
	if err != nil {
		return err
	}
	if event == mailer.EventTrialEnding {
		data["cycle"] = cycleWord(sub.BillingCycle, u.PreferredLanguage)
	}
	m := mailer.Message{TenantID: sub.TenantID, ID: id, Event: event, To: u.Email, Name: u.DisplayName,
		Language: u.PreferredLanguage, Data: data, UserID: sub.UserID}
	if !email {
		return n.announce.inApp(ctx, m)
	}
	return n.announce.Enqueue(ctx, m)
}

// cycleWord names a billing cycle's length as a message in the language says "per …".
func cycleWord(cycle, language string) string {
	words := map[string][2]string{plan.CycleMonthly: {"month", "Monat"}, plan.CycleQuarterly: {"quarter", "Quartal"},
		plan.CycleSemiAnnual: {"half-year", "Halbjahr"}, plan.CycleAnnual: {"year", "Jahr"}}[cycle]
	if strings.HasPrefix(strings.ToLower(language), "de") {
		return words[1]
	}
	return words[0]
}

// announcer tells a person of an event in the app, a notification in their language, and by
// email, both in the unit of work of the change that causes it; privacy.Mail is one.
type announcer struct {
	mail     *mailer.Queue
	notes    *notification.Service
	renderer *mailer.Renderer
}

// noticeTypes are the notification types of the events with an in-app notice, and their priority.
var noticeTypes = map[string][2]string{
	mailer.EventPaymentFailed:        {notification.TypePaymentFailed, notification.PriorityHigh},
	mailer.EventRenewal:              {notification.TypeSubscriptionRenewed, ""},
	mailer.EventTrialEnding:          {notification.TypeTrialEnding, ""},
	mailer.EventSubscriptionCanceled: {notification.TypeSubscriptionCanceled, ""},
	mailer.EventExportReady:          {notification.TypeExportReady, ""},
	mailer.EventDeletionScheduled:    {notification.TypeDeletionScheduled, notification.PriorityHigh},
}

// Enqueue notifies the message's account in the app, when the message names one and its event has
// a notice, then enqueues the email.
func (a announcer) Enqueue(ctx context.Context, m mailer.Message) error {
	if err := a.inApp(ctx, m); err != nil {
		return err
	}
	return a.mail.Enqueue(ctx, m)
}

// inApp creates the message's in-app notification, keyed by the message's id (once per event),
// with the event's link (action_url) when it has one.
func (a announcer) inApp(ctx context.Context, m mailer.Message) error {
	kind, ok := noticeTypes[m.Event]
	if m.UserID == "" || !ok {
		return nil
	}
	text, ok, err := a.renderer.Notice(m.Event, m.Language, m.Data)
	if err != nil || !ok {
		return err
	}
	_, err = a.notes.Notify(ctx, notification.New{TenantID: m.TenantID, UserID: m.UserID, Key: m.ID, Type: kind[0],
		Priority: kind[1], Title: text.Title, Body: text.Body, ActionURL: m.Data["action_url"]})
	return err
}
