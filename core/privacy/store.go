package privacy

import (
	"context"
	"time"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/mailer"
	"github.com/stvos/stvos/core/payment"
	"github.com/stvos/stvos/ports"
)

// Store keeps exports and deletion requests and reaches a person's data across the contexts, in
// the tenant's unit of work (DueDeletions: the platform's). Missing rows are ports.ErrNotFound.
type Store interface {
	Exports
	Deletions
	Records
}

// Exports keeps exports.
type Exports interface {
	// CreateExport stores a new export; a second one of the account while one is live (pending
	// or processing) is ErrExportInProgress.
	CreateExport(ctx context.Context, e Export) error
	// LatestExport loads the account's newest export.
	LatestExport(ctx context.Context, userID string) (Export, error)
	// Export loads an export of the tenant, for update when forUpdate.
	Export(ctx context.Context, id string, forUpdate bool) (Export, error)
	// SaveExport stores an export's status, archive, times.
	SaveExport(ctx context.Context, e Export) error
	// UserExports lists the account's exports, newest first.
	UserExports(ctx context.Context, userID string) ([]Export, error)
	// ExpiredExports answers up to limit of the tenant's ready exports whose link expired at or
	// before now, the earliest first.
	ExpiredExports(ctx context.Context, now time.Time, limit int) ([]Export, error)
}

// Deletions keeps deletion requests.
type Deletions interface {
	// CreateDeletion stores a new request; a second live one (pending or erasing) of the account
	// is ErrDeletionPending.
	CreateDeletion(ctx context.Context, d Deletion) error
	// LiveDeletion loads the account's pending or erasing request, for update when forUpdate.
	LiveDeletion(ctx context.Context, userID string, forUpdate bool) (Deletion, error)
	// Deletion loads a request of the tenant, for update when forUpdate.
	Deletion(ctx context.Context, id string, forUpdate bool) (Deletion, error)
	// SaveDeletion stores a request's status, reason and times.
	SaveDeletion(ctx context.Context, d Deletion) error
	// DueDeletions answers up to limit requests of any tenant, pending or erasing, scheduled at or
	// before now, the earliest first. It needs the platform scope.
	DueDeletions(ctx context.Context, now time.Time, limit int) ([]EraseJob, error)
}

// Records reaches a person's data in every context.
type Records interface {
	// PersonalData answers the sections of the account's archive, each Sections name among them,
	// read in one snapshot where the store can. Secrets (password and PIN hashes, gateway ids,
	// token hashes) are never in them.
	PersonalData(ctx context.Context, userID string) ([]Section, error)
	// Erase deletes the account and everything that is the person's: the user row and what
	// cascades from it (subscriptions, payment methods, balance, exports, ...), their sessions,
	// OAuth grants, viewing history and partner membership (the partner's rollups lose them),
	// messages to email kept by the outbox; and anonymises their invoices (customer name
	// DeletedName, email empty), which stay. Erasing an account that is gone does nothing.
	Erase(ctx context.Context, userID, email string) error
}

// Subscriptions ends an account's subscription for its deletion; *subscription.Service is one.
type Subscriptions interface {
	// EndForDeletion ends the account's subscription at once (ended by "deletion", without
	// refund), in the caller's unit of work; an account without one changes nothing.
	EndForDeletion(ctx context.Context, tenantID string, by audit.Actor, userID, reason string) error
}

// Sessions signs an account out; *session.Service is one.
type Sessions interface {
	// RevokeAll revokes the subject's sessions but keep (when not empty), at once everywhere.
	RevokeAll(ctx context.Context, kind, subjectID, keep string) error
}

// Methods lists an account's payment methods in the unit of work; payment.Store is one.
type Methods interface {
	List(ctx context.Context, userID string) ([]payment.Method, error)
}

// Mail enqueues email in the unit of work; *mailer.Queue is one.
type Mail interface {
	Enqueue(ctx context.Context, m mailer.Message) error
}

// Gateways answers the payment gateway a method was attached with; payment.Gateways is one.
type Gateways interface {
	Named(name string) (ports.Payments, error)
}
