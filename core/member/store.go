package member

import "context"

// Store reads a partner's members and their activity, in the tenant's unit of work. Missing
// rows are ports.ErrNotFound.
type Store interface {
	// Members returns a page of the partner's members matching the filter, with their activity
	// under the rule, and how many match.
	Members(ctx context.Context, partnerID string, f Filter, a Activity, offset, limit int) ([]Member, int, error)
	// EachMember calls fn with every member of the partner matching the filter, from a cursor.
	EachMember(ctx context.Context, partnerID string, f Filter, a Activity, fn func(Member) error) error
	// Member returns one member of the partner.
	Member(ctx context.Context, partnerID, userID string, a Activity) (Member, error)
	// Viewings returns a member's latest playback sessions, newest first.
	Viewings(ctx context.Context, userID string, limit int) ([]Viewing, error)
}
