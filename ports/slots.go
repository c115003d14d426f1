package ports

import (
	"context"
	"time"
)

// StreamSlots holds the streams an account is watching at once, shared by every process. A
// slot lives while its holder heartbeats within the time to live; a holder that vanishes loses
// it when the time to live passes. Times are the store's own clock, so processes whose clocks
// differ agree.
type StreamSlots interface {
	// Acquire takes a slot named id for the account unless limit live slots are held; it
	// reports whether it did and how many live slots the account holds. Acquiring a slot the
	// account holds renews it.
	Acquire(ctx context.Context, tenantID, account, id string, limit int, ttl time.Duration) (ok bool, held int, err error)
	// Renew extends a held slot; false when the slot is no longer held (it expired or was freed).
	Renew(ctx context.Context, tenantID, account, id string, ttl time.Duration) (bool, error)
	// Release frees a slot; freeing a slot not held is not an error.
	Release(ctx context.Context, tenantID, account, id string) error
	// ReleaseAll frees every slot of the account.
	ReleaseAll(ctx context.Context, tenantID, account string) error
}
