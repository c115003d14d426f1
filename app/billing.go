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
			q *mailer.Queue, notes *notification.Service, j ports.Jobs, a audit.Store, c ports.Clock) *subscription.Service {
			people := billedPeople{uow: u, store: accounts}
			return subscription.NewService(subscription.Deps{UnitOfWork: u, Store: st, Plans: plans, Coupons: coupons,
				Methods: methods{store: pm, service: ps, gateways: g}, Invoices: inv, Balance: b, Clients: t, Accounts: people,
				Streams: pb, Notices: billingNotices{people: people, mail: q, notes: notes}, Jobs: j, Audit: a, Clock: c})
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
	people billedPeople
	mail   *mailer.Queue
	notes  *notification.Service
}

func (n billingNotices) Notify(ctx context.Context, e subscription.Event) error {
	sub := e.Subscription
	var (
		event string
		id    string
		data  = map[string]string{}
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
		return n.inApp(ctx, e, "canceled-"+sub.ID, data)
	case e.Kind == subscription.EventTrialEnding:
		event, id = mailer.EventTrialEnding, "trial-ending-"+sub.ID
		data["trial_end"] = sub.PeriodEnd.UTC().Format(time.DateOnly)
		data["amount"] = sub.Price.Decimal() + " " + sub.Price.Currency
	default:
		return nil
	}
	if err := n.inApp(ctx, e, id, data); err != nil {
		return err
	}
	u, err := n.people.user(ctx, sub.TenantID, sub.UserID)
	if err != nil {
		return err
	}
	if event == mailer.EventTrialEnding {
		data["cycle"] = cycleWord(sub.BillingCycle, u.PreferredLanguage)
	}
	return n.mail.Enqueue(ctx, mailer.Message{TenantID: sub.TenantID, ID: id, Event: event, To: u.Email, Name: u.DisplayName,
		Language: u.PreferredLanguage, Data: data})
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

// inApp creates the event's notification in the app.
func (n billingNotices) inApp(ctx context.Context, e subscription.Event, key string, data map[string]string) error {
	sub := e.Subscription
	note := notification.New{TenantID: sub.TenantID, UserID: sub.UserID, Key: key}
	switch e.Kind {
	case subscription.EventPaymentFailed:
		note.Type, note.Priority, note.Title = notification.TypePaymentFailed, notification.PriorityHigh, "Your payment failed"
		note.Body = "We could not take your payment of " + data["amount"] + " (invoice " + data["invoice_number"] + ")."
		if e.Final {
			note.Title, note.Body = "Your subscription has ended", note.Body+" We tried several times, so your subscription has ended."
		} else if d := data["next_attempt"]; d != "" {
			note.Body += " Please check your payment method: we will try again on " + d + "."
		}
	case subscription.EventRenewed:
		note.Type, note.Title = notification.TypeSubscriptionRenewed, "Your subscription was renewed"
		note.Body = "We charged " + data["amount"] + " (invoice " + data["invoice_number"] + "). Your next billing date is " +
			data["next_billing_date"] + "."
	case subscription.EventTrialEnding:
		note.Type, note.Title = notification.TypeTrialEnding, "Your free trial ends on "+data["trial_end"]
		note.Body = "After that your subscription continues at " + data["amount"] + ", charged to your payment method on file."
	case subscription.EventCanceled:
		note.Type, note.Title = notification.TypeSubscriptionCanceled, "Your subscription has ended"
		note.Body = "Your subscription ended at the end of its billing period. You can subscribe again at any time."
	default:
		return nil
	}
	_, err := n.notes.Notify(ctx, note)
	return err
}
