package river

import (
	"context"
	"fmt"

	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	rv "github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/ports"
)

// Jobs implements ports.Jobs with River's InsertTx on the unit of work's own transaction, so a
// job commits or rolls back with the change that enqueues it. It inserts with an insert-only
// client of its own (no queues, no workers): the use cases that enqueue jobs are what the workers
// run, so sharing the working client would make each need the other.
type Jobs struct {
	client *rv.Client[pgx.Tx]
}

var _ ports.Jobs = (*Jobs)(nil)

// NewJobs returns the job queue on the pool.
func NewJobs(pool *pgxpool.Pool, log *slog.Logger) (*Jobs, error) {
	c, err := rv.NewClient(riverpgxv5.New(pool), &rv.Config{Logger: log.With("component", "river")})
	if err != nil {
		return nil, fmt.Errorf("river: %w", err)
	}
	return &Jobs{client: c}, nil
}

// Enqueue implements ports.Jobs.
func (j *Jobs) Enqueue(ctx context.Context, job ports.Job) error {
	tx, err := postgres.TxOf(ctx)
	if err != nil {
		return err
	}
	var opts *rv.InsertOpts
	if u, ok := job.(ports.UniqueJob); ok && u.UniqueByArgs() {
		opts = &rv.InsertOpts{UniqueOpts: rv.UniqueOpts{ByArgs: true, ByState: waitingStates}}
	}
	if r, ok := job.(ports.RetriedJob); ok {
		if opts == nil {
			opts = &rv.InsertOpts{}
		}
		opts.MaxAttempts = r.MaxAttempts()
	}
	if s, ok := job.(ports.ScheduledJob); ok {
		if opts == nil {
			opts = &rv.InsertOpts{}
		}
		opts.ScheduledAt = s.RunAt()
	}
	if _, err := j.client.InsertTx(ctx, tx, job, opts); err != nil {
		return fmt.Errorf("river: enqueue %s: %w", job.Kind(), err)
	}
	return nil
}
