// Package river runs background jobs in PostgreSQL with River: its own migrations, a client per
// server process (River elects one leader to schedule periodic jobs, so they run once across the
// fleet), and the platform's periodic maintenance. Jobs live in the same database as the data
// they concern, so later work can be enqueued in the transaction that causes it.
package river

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	rv "github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"go.uber.org/fx"

	"github.com/stvos/stvos/ports"
)

// Migrate applies River's own migrations as the URL's role (which owns the schema), after the
// platform's migrations have set the server role's default grants.
func Migrate(ctx context.Context, url string) error {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return fmt.Errorf("river: %w", err)
	}
	defer pool.Close()
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("river: %w", err)
	}
	// River's migrations take an advisory lock, so servers starting together do not race.
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river: migrate: %w", err)
	}
	return nil
}

// Maintenance is the periodic upkeep the platform runs: removing what expired.
type Maintenance interface {
	PurgeExpired(ctx context.Context) error
}

// PurgeArgs is the periodic purge job.
type PurgeArgs struct{}

// Kind names the job.
func (PurgeArgs) Kind() string { return "purge_expired" }

// InsertOpts retries a failed purge a few times; the next period runs it anyway. Only River's
// leader enqueues periodic jobs, so no uniqueness is needed.
func (PurgeArgs) InsertOpts() rv.InsertOpts { return rv.InsertOpts{MaxAttempts: 3} }

// PurgeEvery is how often expired rows are removed.
const PurgeEvery = time.Hour

type purgeWorker struct {
	rv.WorkerDefaults[PurgeArgs]
	m Maintenance
}

func (w *purgeWorker) Work(ctx context.Context, _ *rv.Job[PurgeArgs]) error {
	return w.m.PurgeExpired(ctx)
}

// Config is what the client needs.
type Config struct {
	// Migrate applies River's migrations before the client starts.
	Migrate bool
	// URL is the owner URL, for migrations.
	URL string
	// BillingSweep is how often subscriptions with something due are looked for.
	BillingSweep time.Duration
}

// New returns a River client working the platform's jobs on the pool: the periodic purge, the
// email messages the mailer delivers, the periodic billing sweep with the subscription jobs it
// enqueues, the privacy jobs (exports; the periodic deletion sweep, at the billing sweep's
// interval, with the erasures it enqueues), webhook deliveries and scheduled flag changes.
func New(pool *pgxpool.Pool, cfg Config, m Maintenance, mail Mailer, b Billing, p Privacy, w Webhooks, f Flags, log *slog.Logger) (*rv.Client[pgx.Tx], error) {
	workers := rv.NewWorkers()
	rv.AddWorker(workers, &purgeWorker{m: m})
	rv.AddWorker(workers, &emailWorker{m: mail, log: log.With("component", "email")})
	rv.AddWorker(workers, &sweepWorker{b: b, log: log.With("component", "billing")})
	rv.AddWorker(workers, &advanceWorker{b: b})
	rv.AddWorker(workers, &exportWorker{p: p, log: log.With("component", "privacy")})
	rv.AddWorker(workers, &eraseWorker{p: p})
	rv.AddWorker(workers, &privacySweepWorker{p: p})
	rv.AddWorker(workers, &webhookWorker{w: w, log: log.With("component", "webhooks")})
	rv.AddWorker(workers, &flagScheduleWorker{f: f})
	sweep := cfg.BillingSweep
	if sweep <= 0 {
		sweep = time.Minute
	}
	return rv.NewClient(riverpgxv5.New(pool), &rv.Config{
		Logger: log.With("component", "river"),
		// A worker fetches new jobs at most every FetchCooldown (River's default: 100 ms), which with
		// 10 workers capped a burst of renewals near 100 jobs a second whatever the machine;
		// fetching more often with more workers lets a burst use the database instead.
		FetchCooldown: 10 * time.Millisecond,
		Queues:        map[string]rv.QueueConfig{rv.QueueDefault: {MaxWorkers: 20}},
		Workers:       workers,
		PeriodicJobs: []*rv.PeriodicJob{
			rv.NewPeriodicJob(rv.PeriodicInterval(PurgeEvery),
				func() (rv.JobArgs, *rv.InsertOpts) { return PurgeArgs{}, nil }, &rv.PeriodicJobOpts{RunOnStart: true}),
			rv.NewPeriodicJob(rv.PeriodicInterval(sweep),
				func() (rv.JobArgs, *rv.InsertOpts) { return sweepArgs{}, nil }, &rv.PeriodicJobOpts{RunOnStart: true}),
			rv.NewPeriodicJob(rv.PeriodicInterval(sweep),
				func() (rv.JobArgs, *rv.InsertOpts) { return privacySweepArgs{}, nil }, &rv.PeriodicJobOpts{RunOnStart: true}),
		},
	})
}

// Module starts and stops the client with the application.
var Module = fx.Module("river",
	fx.Provide(func(lc fx.Lifecycle, cfg Config, pool *pgxpool.Pool, m Maintenance, mail Mailer, b Billing, p Privacy, w Webhooks, f Flags,
		log *slog.Logger) (*rv.Client[pgx.Tx], error) {
		if cfg.Migrate {
			if err := Migrate(context.Background(), cfg.URL); err != nil {
				return nil, err
			}
		}
		c, err := New(pool, cfg, m, mail, b, p, w, f, log)
		if err != nil {
			return nil, err
		}
		lc.Append(fx.Hook{
			OnStart: func(context.Context) error { return c.Start(context.Background()) },
			OnStop:  c.Stop, // waits for running jobs
		})
		return c, nil
	}),
	fx.Provide(fx.Annotate(NewJobs, fx.As(new(ports.Jobs)))),
	fx.Invoke(func(*rv.Client[pgx.Tx]) {}),
)
