package river

import (
	"context"
	"errors"
	"log/slog"
	"time"

	rv "github.com/riverqueue/river"

	"github.com/stvos/stvos/core/mailer"
	"github.com/stvos/stvos/ports"
)

// Mailer delivers one message: renders it and sends it through the client's sender.
type Mailer interface {
	Deliver(ctx context.Context, m mailer.Message) error
}

// emailArgs is the email.send job: the message, as the mailer enqueued it.
type emailArgs = mailer.Message

// emailWorker runs email.send jobs. A temporary failure (the relay away, a 4xx reply, the
// database busy) returns the error, and River retries the job with backoff (up to its
// MaxAttempts, 25 by default: about three weeks); a refusal for good (a 5xx reply, a message
// that breaks the port's rules, a tenant gone) cancels the job, since no retry can mend it.
type emailWorker struct {
	rv.WorkerDefaults[emailArgs]
	m   Mailer
	log *slog.Logger
}

// Timeout bounds one attempt: rendering and one SMTP conversation.
func (*emailWorker) Timeout(*rv.Job[emailArgs]) time.Duration { return time.Minute }

func (w *emailWorker) Work(ctx context.Context, job *rv.Job[emailArgs]) error {
	err := w.m.Deliver(ctx, job.Args)
	if err == nil {
		return nil
	}
	if errors.Is(err, ports.ErrEmailRejected) || errors.Is(err, ports.ErrInvalid) || errors.Is(err, ports.ErrNotFound) {
		w.log.WarnContext(ctx, "email not sent, for good", "tenant_id", job.Args.TenantID, "id", job.Args.ID,
			"event", job.Args.Event, "error", err.Error())
		return rv.JobCancel(err)
	}
	return err
}
