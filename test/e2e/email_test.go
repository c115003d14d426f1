package e2e

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"go.uber.org/fx"

	"github.com/stvos/stvos/core/mailer"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/harness"
)

// TestEmailJobs: a message enqueued in a unit of work is sent by the running server's email.send
// worker after the commit, through the sender its client chose (smtp to a real mail server,
// mailpit, for one client; the outbox table for another, which chose none), in the recipient's
// language and with the client's branding escaped; a message enqueued in a unit of work that
// rolls back is never enqueued at all.
func TestEmailJobs(t *testing.T) {
	t.Parallel()
	mp := harness.StartMailpit(t)
	var (
		queue *mailer.Queue
		uow   ports.UnitOfWork
	)
	srv := harness.StartServerWith(t, harness.NewBackends(t), fx.Populate(&queue, &uow), map[string]string{
		"STVOS_SMTP_URL": "smtp://stvos:secret@" + mp.SMTP + "?starttls=none", "STVOS_MAIL_FROM": "no-reply@platform.stvos.test"})
	op := operator(t, srv)
	r := op.call("POST", "/platform/tenants", map[string]any{"name": "Acme", "slug": "mail-smtp",
		"branding": map[string]string{"display_name": "Acme <script>x</script> TV", "primary_color": "#ff6600"},
		"adapters": map[string]string{"email": "smtp"}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	smtpTenant := r.str("id")
	outboxTenant, _ := onboard(t, op, "mail-outbox", nil)
	ctx := context.Background()

	enqueue := func(tenantID string, m mailer.Message, fail error) error {
		return uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
			if err := queue.Enqueue(ctx, m); err != nil {
				return err
			}
			return fail
		})
	}
	rolledBack := mailer.Message{TenantID: smtpTenant, ID: ports.NewID(), Event: mailer.EventWelcome, To: "gone@members.stvos.test"}
	require.ErrorContains(t, enqueue(smtpTenant, rolledBack, errors.New("the change failed")), "the change failed")

	sent := mailer.Message{TenantID: smtpTenant, ID: ports.NewID(), Event: mailer.EventPaymentFailed, To: "jonas@members.stvos.test",
		Name: "Jonas", Language: "de-AT", Data: map[string]string{"amount": "9,99 €", "action_url": "https://acme.stvos.test/billing"}}
	require.NoError(t, enqueue(smtpTenant, sent, nil))
	got := mp.Find(t, mailer.EventPaymentFailed+"-"+sent.ID+"."+smtpTenant+"@")
	require.Equal(t, "Ihre Zahlung an Acme <script>x</script> TV ist fehlgeschlagen", got.Subject)
	require.Equal(t, []string{"jonas@members.stvos.test"}, got.To)
	require.Equal(t, "no-reply@platform.stvos.test", got.From)
	require.Contains(t, got.Text, "Hallo Jonas,")
	require.Contains(t, got.Text, "9,99 €")
	require.Contains(t, got.HTML, "Acme &lt;script&gt;x&lt;/script&gt; TV")
	require.NotContains(t, got.HTML, "<script>")
	require.Contains(t, got.HTML, "#ff6600")
	require.Contains(t, got.HTML, `href="https://acme.stvos.test/billing"`)
	require.Equal(t, []string{"payment_failed"}, got.Headers["X-Stvos-Event"])
	require.Equal(t, []string{"de"}, got.Headers["Content-Language"])

	owner, err := pgx.Connect(ctx, srv.Config.DatabaseURL) // the owner role, past row-level security
	require.NoError(t, err)
	defer owner.Close(ctx)
	var n int
	require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'email.send' AND args->>'id' = $1`,
		rolledBack.ID).Scan(&n))
	require.Zero(t, n, "the job of a unit of work that rolled back was never enqueued")

	kept := mailer.Message{TenantID: outboxTenant, ID: ports.NewID(), Event: mailer.EventWelcome, To: "ana@members.stvos.test", Name: "Ana"}
	require.NoError(t, enqueue(outboxTenant, kept, nil))
	var subject, html string
	require.Eventually(t, func() bool {
		err := owner.QueryRow(ctx, `SELECT subject, html_body FROM email_outbox WHERE tenant_id = $1 AND id = $2`,
			outboxTenant, mailer.EventWelcome+"-"+kept.ID).Scan(&subject, &html)
		return err == nil
	}, 10*time.Second, 50*time.Millisecond, "the outbox client's message is kept in the table")
	require.Equal(t, "Welcome to Client mail-outbox", subject)
	require.Contains(t, html, "Hello Ana,")

	// A message refused for good (a recipient the mail server rejects) is cancelled, not retried.
	refused := mailer.Message{TenantID: smtpTenant, ID: ports.NewID(), Event: mailer.EventWelcome, To: "x@refused.invalid"}
	require.NoError(t, enqueue(smtpTenant, refused, nil))
	var state string
	require.Eventually(t, func() bool {
		err := owner.QueryRow(ctx, `SELECT state FROM river_job WHERE kind = 'email.send' AND args->>'id' = $1`, refused.ID).Scan(&state)
		return err == nil && state == "cancelled"
	}, 10*time.Second, 50*time.Millisecond, "state %q", state)

	// Outside a unit of work nothing is enqueued.
	require.ErrorIs(t, queue.Enqueue(ctx, kept), ports.ErrNoUnitOfWork)
}

// TestRegistrationSendsTheWelcome registers over HTTP and finds the welcome message of that
// account in the client's sender (the outbox, by default), greeting the member by name; a
// registration refused (a taken email) enqueues nothing.
func TestRegistrationSendsTheWelcome(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	tenantID, key := onboard(t, op, "welcome-mail", nil)
	app := newClient(t, srv.URL).with("X-API-Key", key)
	body := map[string]string{"email": "nia@welcome.stvos.test", "password": demoPassword, "name": "Nia Welcome"}
	r := app.call("POST", "/auth/register", body)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, http.StatusConflict, app.call("POST", "/auth/register", body).Status)

	owner, err := pgx.Connect(ctx, srv.Config.DatabaseURL) // the owner role, past row-level security
	require.NoError(t, err)
	defer owner.Close(ctx)
	var subject, text string
	require.Eventually(t, func() bool {
		return owner.QueryRow(ctx, `SELECT subject, text_body FROM email_outbox WHERE tenant_id = $1 AND recipients = $2`,
			tenantID, []string{body["email"]}).Scan(&subject, &text) == nil
	}, 10*time.Second, 50*time.Millisecond, "the welcome reached the outbox")
	require.Equal(t, "Welcome to Client welcome-mail", subject)
	require.Contains(t, text, "Hello Nia Welcome,")
	var jobs int
	require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'email.send' AND args->>'tenant_id' = $1`,
		tenantID).Scan(&jobs))
	require.Equal(t, 1, jobs, "the refused second registration enqueued nothing")
}
