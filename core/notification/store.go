package notification

import (
	"context"
	"time"

	"github.com/stvos/stvos/core/account"
)

// Store keeps users' notifications, in the tenant's unit of work. A notification is live while it
// is neither expired (expires_at after now) nor deleted; every method but Create and Purge sees
// only the user's live notifications, and a missing one is ports.ErrNotFound (NOTIFICATION_NOT_FOUND).
type Store interface {
	// Create inserts the notification unless the user already has one with the same non-empty
	// key (live, deleted or expired but not yet purged), and answers whether it inserted it;
	// concurrent creations with one key insert one.
	Create(ctx context.Context, n Notification) (bool, error)
	// Trim removes the user's oldest notifications beyond the newest keep, and answers how many.
	Trim(ctx context.Context, userID string, keep int) (int, error)
	// List returns up to limit of the user's live notifications at now, newest first (id order:
	// ids are UUIDv7), whose id is before the given one (any when empty); only unread ones when
	// unreadOnly.
	List(ctx context.Context, userID string, unreadOnly bool, now time.Time, before string, limit int) ([]Notification, error)
	// CountUnread counts the user's live unread notifications at now.
	CountUnread(ctx context.Context, userID string, now time.Time) (int, error)
	// SetRead marks the user's live notification read at the time (a read one keeps the time it
	// was first read) or, with a nil time, unread, and answers it as it is now. A mark that
	// changes nothing writes nothing.
	SetRead(ctx context.Context, userID, id string, at *time.Time, now time.Time) (Notification, error)
	// MarkAllRead marks every live unread notification of the user read at now and answers how
	// many.
	MarkAllRead(ctx context.Context, userID string, now time.Time) (int, error)
	// Delete removes the user's live notification. One with a key leaves a tombstone without its
	// content until its expiry, so that its key still deduplicates.
	Delete(ctx context.Context, userID, id string, now time.Time) error
	// Purge removes the tenant's notifications (and tombstones) expired at now, and answers how
	// many.
	Purge(ctx context.Context, now time.Time) (int, error)
}

// Accounts reads the user a notification is for (its notification_preferences); account.Store is
// one.
type Accounts interface {
	ReadUser(ctx context.Context, id string) (account.User, error)
}
