package session

import (
	"context"
	"time"
)

// Store keeps sessions. Every method runs inside a ports.UnitOfWork from ctx: operators'
// sessions in the platform scope, the others in their tenant's. Missing rows are
// ports.ErrNotFound.
type Store interface {
	CreateSession(ctx context.Context, s Session) error
	// Session loads a session for update: the row stays locked until the unit of work ends, so
	// two refreshes of one token cannot both succeed.
	Session(ctx context.Context, id string) (Session, error)
	SaveSession(ctx context.Context, s Session) error
	// LiveSessions lists the subject's unrevoked, unexpired sessions, newest first.
	LiveSessions(ctx context.Context, kind, subjectID string) ([]Session, error)
	// RevokeSessions revokes the subject's live sessions except keep (if not empty) and returns
	// the ids it revoked.
	RevokeSessions(ctx context.Context, kind, subjectID, keep string) ([]string, error)
	// PurgeSessions removes the tenant's sessions that expired or were revoked before the time.
	PurgeSessions(ctx context.Context, before time.Time) (int, error)
}
