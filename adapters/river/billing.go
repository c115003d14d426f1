package river

import (
	"context"
	"log/slog"
	"time"

	rv "github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/stvos/stvos/core/subscription"
)

// Billing advances subscriptions: the sweep finds those with something due and enqueues one
// subscription.advance job each; the job brings one subscription up to date.
type Billing interface {
	Sweep(ctx context.Context, limit int) (int, error)
	Advance(ctx context.Context, tenantID, subscriptionID string) error
}

// SweepBatch bounds how many subscriptions one sweep enqueues; a sweep that fills it runs again at
// once, so a backlog drains without waiting for the next period.
const SweepBatch = 1000

// sweepArgs is the periodic billing sweep.
type sweepArgs struct{}

func (sweepArgs) Kind() string { return "billing.sweep" }

// InsertOpts: one sweep waiting at a time; the next period runs it anyway.
func (sweepArgs) InsertOpts() rv.InsertOpts {
	return rv.InsertOpts{MaxAttempts: 3, UniqueOpts: rv.UniqueOpts{ByArgs: true, ByState: waitingStates}}
}

// waitingStates are the states in which a unique job blocks another like it: waiting or running.
var waitingStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled}

type sweepWorker struct {
	rv.WorkerDefaults[sweepArgs]
	b   Billing
	log *slog.Logger
}

func (w *sweepWorker) Work(ctx context.Context, _ *rv.Job[sweepArgs]) error {
	for {
		n, err := w.b.Sweep(ctx, SweepBatch)
		if err != nil {
			return err
		}
		if n < SweepBatch {
			return nil
		}
	}
}

// advanceArgs is the subscription.advance job: one subscription to bring up to date.
type advanceArgs = subscription.Ref

type advanceWorker struct {
	rv.WorkerDefaults[advanceArgs]
	b Billing
}

// Timeout bounds one advance: a few gateway calls.
func (*advanceWorker) Timeout(*rv.Job[advanceArgs]) time.Duration { return 2 * time.Minute }

func (w *advanceWorker) Work(ctx context.Context, job *rv.Job[advanceArgs]) error {
	return w.b.Advance(ctx, job.Args.TenantID, job.Args.SubscriptionID)
}
