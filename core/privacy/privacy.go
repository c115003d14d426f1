// Package privacy is what a person may ask of their data: a copy of all of it (GDPR Art. 20), built
// in a background job into a ZIP archive of JSON files and handed out through a signed download
// link valid 24 hours; and the erasure of their account (Art. 17), confirmed with their password,
// which cancels their subscription at once and erases their data after a grace period of 30 days
// unless they cancel the request meanwhile. Invoices outlive the account (legal retention) with
// the customer's name and email anonymised.
package privacy

import (
	"time"

	"github.com/stvos/stvos/ports"
)

// The statuses of an export. Expired is shown once a ready archive's link has expired, before the
// purge deletes the archive and stores it.
const (
	ExportPending    = "pending"
	ExportProcessing = "processing"
	ExportReady      = "ready"
	ExportFailed     = "failed"
	ExportExpired    = "expired"
)

// ExportStatuses lists the statuses an export shows, in the order of its life.
var ExportStatuses = []string{ExportPending, ExportProcessing, ExportReady, ExportFailed, ExportExpired}

// The statuses of a deletion request. Callers see pending; erasing and completed are the job's.
const (
	DeletionPending   = "pending"
	DeletionCanceled  = "canceled"
	DeletionErasing   = "erasing"
	DeletionCompleted = "completed"
)

// Rules of the privacy requests.
const (
	// DefaultGrace is how long after a deletion request the account is erased.
	DefaultGrace = 30 * 24 * time.Hour
	// DefaultLinkTTL is how long an archive may be downloaded once it is ready.
	DefaultLinkTTL = 24 * time.Hour
	// MaxReasonLength bounds the reason given for a deletion, in characters.
	MaxReasonLength = 500
	// DeletedName is what an erased account's invoices name as their customer.
	DeletedName = "Deleted user"
	// ArchiveType is the content type of an export archive.
	ArchiveType = "application/zip"
)

// Export is one export of a person's data.
type Export struct {
	ID       string
	TenantID string
	UserID   string
	// Status is as stored; StatusAt is what it shows at a time.
	Status string
	// BlobKey names the archive in the blob store while it is kept; Size is its length in bytes.
	BlobKey     string
	Size        int64
	RequestedAt time.Time
	// ReadyAt is when the archive was built; ExpiresAt when its link stops working (whole seconds).
	ReadyAt   *time.Time
	ExpiresAt *time.Time
	UpdatedAt time.Time
}

// StatusAt answers the export's status at now: a ready archive whose link has expired is expired.
func (e Export) StatusAt(now time.Time) string {
	if e.Status == ExportReady && e.ExpiresAt != nil && !now.Before(*e.ExpiresAt) {
		return ExportExpired
	}
	return e.Status
}

// Live reports whether the export is waiting or being built: an account has one such at a time.
func (e Export) Live() bool { return e.Status == ExportPending || e.Status == ExportProcessing }

// Deletion is a request to erase an account.
type Deletion struct {
	ID          string
	TenantID    string
	UserID      string
	Status      string
	Reason      string
	RequestedAt time.Time
	// ScheduledAt is when the account is erased, unless the request is canceled before.
	ScheduledAt time.Time
	CanceledAt  *time.Time
	CompletedAt *time.Time
	UpdatedAt   time.Time
}

// Section is one file of an export archive: Name.json holding Data, a JSON value (an object, or
// an array of the rows of one kind, oldest first).
type Section struct {
	Name string
	Data []byte
}

// The sections every archive holds; stores answer each of them (an empty array when the person
// has none), and may add others (data of contexts that come later, such as profiles).
var Sections = []string{"account", "subscriptions", "invoices", "payment_methods", "balance_entries", "viewing_history",
	"sessions", "audit_log", "coupon_redemptions", "gift_cards", "partner_membership", "privacy_requests"}

// ExportJob is the privacy.export job: build one export's archive.
type ExportJob struct {
	TenantID string `json:"tenant_id"`
	ExportID string `json:"export_id"`
}

// Kind names the job.
func (ExportJob) Kind() string { return ExportKind }

// UniqueByArgs keeps one such job per export waiting at a time.
func (ExportJob) UniqueByArgs() bool { return true }

// EraseJob is the privacy.erase job: erase the account of one deletion request that is due.
type EraseJob struct {
	TenantID  string `json:"tenant_id"`
	RequestID string `json:"request_id"`
}

// Kind names the job.
func (EraseJob) Kind() string { return EraseKind }

// UniqueByArgs keeps one such job per request waiting at a time.
func (EraseJob) UniqueByArgs() bool { return true }

// The kinds of the privacy jobs.
const (
	ExportKind = "privacy.export"
	EraseKind  = "privacy.erase"
)

// Errors of the privacy use cases.
var (
	// ErrExportInProgress refuses a second export while one is waiting or being built.
	ErrExportInProgress = ports.Conflict("EXPORT_IN_PROGRESS",
		"An export of this account is already waiting or being built; poll GET /privacy/export for it.")
	// ErrNoExport answers an account that never asked for an export.
	ErrNoExport = ports.NotFound("export")
	// ErrWrongPassword refuses a deletion whose confirming password is wrong.
	ErrWrongPassword = &ports.Error{Kind: ports.ErrForbidden, Code: "INVALID_PASSWORD",
		Message: "The password is wrong; the account's current password confirms its deletion.",
		Fields:  []ports.FieldError{{Field: "password", Reason: "is wrong"}}}
	// ErrDeletionPending refuses a second deletion request while one is pending.
	ErrDeletionPending = ports.Conflict("DELETION_ALREADY_REQUESTED",
		"The account's deletion is already scheduled; cancel it with DELETE /users/me/deletion-request first.")
	// ErrNoDeletion answers a cancellation when no deletion is pending.
	ErrNoDeletion = &ports.Error{Kind: ports.ErrNotFound, Code: "DELETION_REQUEST_NOT_FOUND",
		Message: "No deletion of this account is pending."}
	// ErrDeletionUnderway refuses cancelling a deletion whose grace period is over.
	ErrDeletionUnderway = ports.Conflict("DELETION_UNDERWAY", "The grace period is over: the account is being erased.")
	// ErrLinkInvalid refuses a download link that was not made by this server, or was altered.
	ErrLinkInvalid = ports.Forbidden("INVALID_SIGNATURE", "The download link is not valid.")
	// ErrLinkExpired refuses a download link past its time, or whose archive is gone; surfaces
	// answer it 410 Gone.
	ErrLinkExpired = ports.Forbidden("LINK_EXPIRED", "The download link has expired; request a new export.")
)
