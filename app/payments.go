package app

import (
	"go.uber.org/fx"

	"github.com/stvos/stvos/adapters/email/smtp"
	"github.com/stvos/stvos/adapters/payments/sandbox"
	"github.com/stvos/stvos/adapters/payments/stripe"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/payment"
	"github.com/stvos/stvos/core/subscription"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/tenants"
)

// Payments provides every payment gateway this server can run (the sandbox always; Stripe when
// its secret key is set), each once, in the group "payments"; the registry that hands each
// client the gateway it chose; and the payment method use cases.
var Payments = fx.Options(
	sandbox.Module,
	stripe.Module,
	fx.Provide(
		func(cfg Config) stripe.Config {
			return stripe.Config{SecretKey: cfg.StripeSecretKey, URL: cfg.StripeURL}
		},
		fx.Annotate(tenants.NewGateways, fx.ParamTags(``, `group:"payments"`), fx.As(new(payment.Gateways))),
		func(u ports.UnitOfWork, st payment.Store, g payment.Gateways, l subscription.Limits, a audit.Store, c ports.Clock) *payment.Service {
			return payment.NewService(payment.Deps{UnitOfWork: u, Store: st, Gateways: g, Subscriptions: l, Audit: a, Clock: c})
		},
	),
)

// newCatalog is the adapter catalog of this server: the platform's adapters, with those it
// cannot run for want of a setting marked unavailable, so that choosing them is refused with
// the reason.
func newCatalog(cfg Config) tenants.Catalog {
	c := tenants.DefaultCatalog()
	if cfg.StripeSecretKey == "" {
		c = c.WithUnavailable(tenants.PortPayments, stripe.Name, "it needs the server setting STVOS_STRIPE_SECRET_KEY, which is not set")
	}
	if cfg.SMTPURL == "" {
		c = c.WithUnavailable(tenants.PortEmail, smtp.Name, "it needs the server setting STVOS_SMTP_URL, which is not set")
	}
	return c
}
