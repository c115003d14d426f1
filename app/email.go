package app

import (
	"context"

	"go.uber.org/fx"

	"github.com/stvos/stvos/adapters/email/outbox"
	"github.com/stvos/stvos/adapters/email/smtp"
	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/adapters/river"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/mailer"
	"github.com/stvos/stvos/tenants"
)

// Email provides every email sender this server can run (the outbox always; SMTP when
// STVOS_SMTP_URL names a relay), each once, in the group "email"; the registry that hands each
// client the sender it chose; the renderer of the embedded templates; the delivery the
// email.send job's worker calls; the queue use cases enqueue messages on; and the welcome
// message every registration enqueues.
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
		fx.Annotate(func(q *mailer.Queue) welcomeMail { return welcomeMail{q} }, fx.As(new(account.Greeter))),
	),
)

// welcomeMail sends each new subscriber the welcome message, in their language when they gave one.
type welcomeMail struct{ q *mailer.Queue }

func (w welcomeMail) Welcome(ctx context.Context, u account.User) error {
	return w.q.Enqueue(ctx, mailer.Message{TenantID: u.TenantID, ID: u.ID, Event: mailer.EventWelcome, To: u.Email,
		Name: u.DisplayName, Language: u.PreferredLanguage})
}
