package playback

import "context"

// Store keeps playback sessions, in the tenant's unit of work. Missing rows are
// ports.ErrNotFound.
type Store interface {
	// PlayableClass returns the duration of a published class that is not deleted.
	PlayableClass(ctx context.Context, classID string) (durationSeconds int, err error)
	CreateSession(ctx context.Context, s Session) error
	// Session loads a session of the user for update, with its class's duration.
	Session(ctx context.Context, userID, id string) (Session, error)
	SaveSession(ctx context.Context, s Session) error
	// History returns a page of the user's sessions, newest first, with their classes, and how
	// many there are.
	History(ctx context.Context, userID string, offset, limit int) ([]Session, int, error)
	// EndOpenSessions ends the user's open sessions at their last report.
	EndOpenSessions(ctx context.Context, userID string) error
}
