package river

import (
	"context"
	"log/slog"
	"time"

	rv "github.com/riverqueue/river"

	"github.com/stvos/stvos/core/privacy"
)

// Privacy runs the privacy jobs: building a data export's archive, and erasing the accounts whose
// deletion is due (a periodic sweep finds them and enqueues one privacy.erase job each).
type Privacy interface {
	BuildExport(ctx context.Context, tenantID, exportID string) error
	FailExport(ctx context.Context, tenantID, exportID string) error
	SweepDeletions(ctx context.Context, limit int) (int, error)
	Erase(ctx context.Context, tenantID, requestID string) error
}

// ExportAttempts is how many times an export is tried before it is marked failed (about 16
// minutes of River's backoff), so a person waits for a bounded time and may ask again.
const ExportAttempts = 5

// exportArgs is the privacy.export job.
type exportArgs = privacy.ExportJob

type exportWorker struct {
	rv.WorkerDefaults[exportArgs]
	p   Privacy
	log *slog.Logger
}

// Timeout bounds one build: reading a person's data and writing one archive.
func (*exportWorker) Timeout(*rv.Job[exportArgs]) time.Duration { return 5 * time.Minute }

func (w *exportWorker) Work(ctx context.Context, job *rv.Job[exportArgs]) error {
	err := w.p.BuildExport(ctx, job.Args.TenantID, job.Args.ExportID)
	if err == nil || job.Attempt < ExportAttempts {
		return err
	}
	w.log.ErrorContext(ctx, "data export failed for good", "tenant_id", job.Args.TenantID, "export_id", job.Args.ExportID,
		"error", err.Error())
	if ferr := w.p.FailExport(ctx, job.Args.TenantID, job.Args.ExportID); ferr != nil {
		return ferr // retried: the export is marked failed by a later attempt
	}
	return rv.JobCancel(err)
}

// eraseArgs is the privacy.erase job.
type eraseArgs = privacy.EraseJob

type eraseWorker struct {
	rv.WorkerDefaults[eraseArgs]
	p Privacy
}

// Timeout bounds one erasure: a few statements and a gateway call per payment method.
func (*eraseWorker) Timeout(*rv.Job[eraseArgs]) time.Duration { return 2 * time.Minute }

func (w *eraseWorker) Work(ctx context.Context, job *rv.Job[eraseArgs]) error {
	return w.p.Erase(ctx, job.Args.TenantID, job.Args.RequestID)
}

// privacySweepArgs is the periodic deletion sweep, run as often as the billing sweep.
type privacySweepArgs struct{}

func (privacySweepArgs) Kind() string { return "privacy.sweep" }

// InsertOpts: one sweep waiting at a time; the next period runs it anyway.
func (privacySweepArgs) InsertOpts() rv.InsertOpts {
	return rv.InsertOpts{MaxAttempts: 3, UniqueOpts: rv.UniqueOpts{ByArgs: true, ByState: waitingStates}}
}

type privacySweepWorker struct {
	rv.WorkerDefaults[privacySweepArgs]
	p Privacy
}

// Work enqueues up to SweepBatch erasures a period: the requests found stay due until their job
// completes them, so sweeping again at once would find the same ones.
func (w *privacySweepWorker) Work(ctx context.Context, _ *rv.Job[privacySweepArgs]) error {
	_, err := w.p.SweepDeletions(ctx, SweepBatch)
	return err
}
