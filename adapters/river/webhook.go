package river

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	rv "github.com/riverqueue/river"

	"github.com/stvos/stvos/core/webhook"
	"github.com/stvos/stvos/ports"
)

// Webhooks delivers one webhook (core/webhook.Service).
type Webhooks interface {
	Deliver(ctx context.Context, d webhook.Delivery) error
}

// webhookArgs is the webhook.deliver job.
type webhookArgs = webhook.Delivery

// webhookWorker runs webhook.deliver jobs. A receiver that fails (not 2xx, unreachable) is tried
// again with exponential backoff; an endpoint deleted meanwhile, or whose URL the guard now
// refuses, cancels the job.
type webhookWorker struct {
	rv.WorkerDefaults[webhookArgs]
	w   Webhooks
	log *slog.Logger
}

// Timeout bounds one attempt.
func (*webhookWorker) Timeout(*rv.Job[webhookArgs]) time.Duration { return 30 * time.Second }

// NextRetry waits 2^(attempt-1) seconds (1 s, 2 s, 4 s, … at most an hour) with up to 10 percent
// jitter, so receivers back from an outage are not hit by every delivery at once.
func (*webhookWorker) NextRetry(job *rv.Job[webhookArgs]) time.Time {
	d := time.Second << min(max(job.Attempt-1, 0), 12)
	d = min(d, time.Hour)
	d += time.Duration(rand.Int64N(int64(d)/10 + 1))
	return time.Now().Add(d)
}

func (w *webhookWorker) Work(ctx context.Context, job *rv.Job[webhookArgs]) error {
	err := w.w.Deliver(ctx, job.Args)
	if err == nil {
		return nil
	}
	if errors.Is(err, ports.ErrNotFound) || errors.Is(err, ports.ErrInvalid) {
		w.log.WarnContext(ctx, "webhook dropped", "tenant_id", job.Args.TenantID, "endpoint_id", job.Args.EndpointID,
			"event_id", job.Args.EventID, "error", err.Error())
		return rv.JobCancel(err)
	}
	return err
}
