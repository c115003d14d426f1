package ports

import (
	"context"
	"time"
)

// Job is a background job's arguments: a value that encodes to JSON, named by its kind
// ("email.send"), which picks the worker that runs it.
type Job interface {
	Kind() string
}

// Jobs enqueues background jobs in the unit of work in ctx, so that a job commits or rolls back
// with the change that causes it: a job enqueued in a transaction that rolls back never runs, and
// one that commits is run by a worker after the commit, retried with backoff while it fails.
//
// Errors: called outside a unit of work, ErrNoUnitOfWork; inside a Read, ErrWriteInRead; a kind
// no worker runs, or arguments that do not encode, an error for the logs (a programming error).
type Jobs interface {
	Enqueue(ctx context.Context, job Job) error
}

// UniqueJob is a job of which the queue keeps one waiting (or running) per distinct arguments:
// enqueueing it again meanwhile does nothing.
type UniqueJob interface {
	Job
	UniqueByArgs() bool
}

// RetriedJob is a job that says how many attempts it gets (the queue's default otherwise).
type RetriedJob interface {
	Job
	MaxAttempts() int
}

// ScheduledJob is a job that must not run before its time: the queue keeps it until RunAt (a time
// already past runs at once).
type ScheduledJob interface {
	Job
	RunAt() time.Time
}
