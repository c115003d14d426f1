package river

import (
	"context"
	"time"

	rv "github.com/riverqueue/river"

	"github.com/stvos/stvos/core/flag"
)

// Flags applies scheduled flag changes.
type Flags interface {
	RunSchedule(ctx context.Context, tenantID, scheduleID string) error
}

// flagScheduleArgs is the flag.schedule job, enqueued with its change for the change's time.
type flagScheduleArgs = flag.ScheduleJob

type flagScheduleWorker struct {
	rv.WorkerDefaults[flagScheduleArgs]
	f Flags
}

// Timeout bounds one change: a few statements.
func (*flagScheduleWorker) Timeout(*rv.Job[flagScheduleArgs]) time.Duration { return time.Minute }

func (w *flagScheduleWorker) Work(ctx context.Context, job *rv.Job[flagScheduleArgs]) error {
	return w.f.RunSchedule(ctx, job.Args.TenantID, job.Args.ScheduleID)
}
