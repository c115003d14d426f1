package river

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	rv "github.com/riverqueue/river"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/ports"
)

// Jobs implements ports.Jobs with River's InsertTx on the unit of work's own transaction, so a
// job commits or rolls back with the change that enqueues it.
type Jobs struct {
	client *rv.Client[pgx.Tx]
}

var _ ports.Jobs = (*Jobs)(nil)

// NewJobs returns the job queue of the client.
func NewJobs(c *rv.Client[pgx.Tx]) *Jobs { return &Jobs{client: c} }

// Enqueue implements ports.Jobs.
func (j *Jobs) Enqueue(ctx context.Context, job ports.Job) error {
	tx, err := postgres.TxOf(ctx)
	if err != nil {
		return err
	}
	if _, err := j.client.InsertTx(ctx, tx, job, nil); err != nil {
		return fmt.Errorf("river: enqueue %s: %w", job.Kind(), err)
	}
	return nil
}
