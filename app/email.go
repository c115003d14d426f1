package app

import (
	"go.uber.org/fx"

	"github.com/stvos/stvos/adapters/email/outbox"
	"github.com/stvos/stvos/adapters/email/smtp"
	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/adapters/river"
	"github.com/stvos/stvos/core/mailer"
	"github.com/stvos/stvos/tenants"
)

// Email provides every email sender this server can run (the outbox always; SMTP when
// STVOS_SMTP_URL names a relay), each once, in the group "email"; the registry that hands each
// client the sender it chose; the renderer of the embedded templates; the delivery the
// email.send job's worker calls; and the queue use cases enqueue messages on.
var Email = fx.Options(
	outbox.Module,
	smtp.Module,
	fx.Provide(
		func(cfg Config) smtp.Config { return smtp.Config{URL: cfg.SMTPURL} },
		fx.Annotate(func() postgres.EmailOutbox { return postgres.EmailOutbox{} }, fx.As(new(outbox.Store))),
		fx.Annotate(tenants.NewMailers, fx.ParamTags(``, `group:"email"`)),
		mailer.NewRenderer,
		fx.Annotate(func(cfg Config, r *mailer.Renderer, m *tenants.Mailers) *mailer.Delivery {
			return mailer.NewDelivery(mailer.Deps{Renderer: r, Senders: m, Brands: m, From: cfg.MailFrom})
		}, fx.As(new(river.Mailer))),
		mailer.NewQueue,
	),
)
