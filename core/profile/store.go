package profile

import (
	"context"
	"time"
)

// Store keeps the profiles of a tenant's accounts, in the tenant's unit of work. Every method
// but Create names the account: another account's profile is ports.ErrNotFound
// (PROFILE_NOT_FOUND), as a missing one is.
type Store interface {
	// LockOwner takes a lock on the account's profiles that holds until the unit of work ends
	// (changes to one account's profiles queue behind each other; nothing else, the users row
	// included, is locked), then reads the account. A missing account is ports.ErrNotFound.
	LockOwner(ctx context.Context, userID string) (Owner, error)
	// List returns the account's profiles, the primary first, then in creation order.
	List(ctx context.Context, userID string) ([]Profile, error)
	// Create inserts a profile. A second primary profile of one account is ports.ErrConflict.
	Create(ctx context.Context, p Profile) error
	// Get loads one of the account's profiles; forUpdate locks its row until the unit of work
	// ends.
	Get(ctx context.Context, userID, id string, forUpdate bool) (Profile, error)
	// Save stores every field of the profile but its account, primary mark and creation time.
	Save(ctx context.Context, p Profile) error
	// Delete removes one of the account's profiles.
	Delete(ctx context.Context, userID, id string) error
	// UnknownClasses answers those of the ids that are no class of the tenant (deleted ones
	// included), in their order.
	UnknownClasses(ctx context.Context, ids []string) ([]string, error)
	// MasterPIN reads the hash of the account's master PIN, "" without one.
	MasterPIN(ctx context.Context, userID string) (string, error)
	// SaveMasterPIN sets the hash of the account's master PIN; "" removes it.
	SaveMasterPIN(ctx context.Context, userID, hash string, at time.Time) error
}

// Limits is the seam through which the account's plan bounds its profiles (the subscription
// context plugs it in). MaxProfiles runs inside the unit of work of the change it guards, so it
// may read that change's view of the account.
type Limits interface {
	MaxProfiles(ctx context.Context, tenantID, userID string) (int, error)
}

// FixedLimit is a Limits allowing every account the same number of profiles.
type FixedLimit int

// MaxProfiles answers the fixed number.
func (f FixedLimit) MaxProfiles(context.Context, string, string) (int, error) { return int(f), nil }
