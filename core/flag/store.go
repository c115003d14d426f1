package flag

import "context"

// Store keeps a client's flags, segments, targets and scheduled changes; every method runs in the
// tenant's unit of work and sees only that tenant's rows. Missing flags, segments and schedules
// are ports.ErrNotFound; a key taken is ports.ErrConflict (codes FLAG_EXISTS, SEGMENT_EXISTS).
// Contexts carry an owner: a partner id, or "" for the client's own (admins, operators).
//
// It is a port with one adapter per technology (PostgreSQL today); each client's store is chosen
// by Stores from the client's adapters["flags"].
type Store interface {
	// Name is the adapter's name in the catalog ("postgres").
	Name() string

	CreateFlag(ctx context.Context, f Flag) error
	// GetFlag loads a flag (for update when forUpdate).
	GetFlag(ctx context.Context, key string, forUpdate bool) (Flag, error)
	// SaveFlag stores every field of a flag but its key, tenant and creation time.
	SaveFlag(ctx context.Context, f Flag) error
	// DeleteFlag removes a flag with its targets and scheduled changes.
	DeleteFlag(ctx context.Context, key string) error
	// ListFlags returns up to limit flags whose key is after the given one, in key order.
	ListFlags(ctx context.Context, after string, limit int) ([]Flag, error)

	CreateSegment(ctx context.Context, s Segment) error
	GetSegment(ctx context.Context, key string, forUpdate bool) (Segment, error)
	SaveSegment(ctx context.Context, s Segment) error
	// DeleteSegment removes a segment with its contexts.
	DeleteSegment(ctx context.Context, key string) error
	ListSegments(ctx context.Context, after string, limit int) ([]Segment, error)
	// FlagsUsing lists the keys of the flags whose rules name the segment.
	FlagsUsing(ctx context.Context, segment string) ([]string, error)

	// AddTargets makes the contexts targets of the flag for the owner; those the owner already
	// targets are left as they are. It answers how many were added.
	AddTargets(ctx context.Context, flagKey, owner string, cs []Context) (int, error)
	// RemoveTargets removes the owner's targets among the contexts, answering how many.
	RemoveTargets(ctx context.Context, flagKey, owner string, cs []Context) (int, error)
	// AddMembers includes the contexts in the segment for the owner (already included: kept).
	AddMembers(ctx context.Context, segmentKey, owner string, cs []Context) (int, error)
	// RemoveMembers removes the owner's contexts among those given from the segment.
	RemoveMembers(ctx context.Context, segmentKey, owner string, cs []Context) (int, error)
	// ClearMembers removes every context of the owner from the segment, answering how many.
	ClearMembers(ctx context.Context, segmentKey, owner string) (int, error)
	// SearchContexts lists up to limit distinct contexts of the owner (targets and segment
	// members), whose key contains q (any when empty) and of the kind (any when empty), in
	// (kind, key) order, each with the flags and segments it is used in.
	SearchContexts(ctx context.Context, owner, q, kind string, limit int) ([]Owned, error)

	// Definitions loads everything evaluation needs.
	Definitions(ctx context.Context) (Definitions, error)

	CreateSchedule(ctx context.Context, s Schedule) error
	GetSchedule(ctx context.Context, id string, forUpdate bool) (Schedule, error)
	SaveSchedule(ctx context.Context, s Schedule) error
	// ListSchedules lists a flag's scheduled changes, soonest first.
	ListSchedules(ctx context.Context, flagKey string) ([]Schedule, error)
}

// Stores hands each client the flag store it is configured for.
type Stores interface {
	For(ctx context.Context, tenantID string) (Store, error)
}
