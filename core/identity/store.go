package identity

import "context"

// Store keeps operators and sessions. Every method runs inside a ports.UnitOfWork from ctx
// (operators and their sessions in the platform scope). Missing rows are ports.ErrNotFound; an
// operator email in use is ports.ErrConflict with code EMAIL_TAKEN.
type Store interface {
	CreateOperator(ctx context.Context, o Operator) error
	OperatorByEmail(ctx context.Context, email string) (Operator, error)

	CreateSession(ctx context.Context, s Session) error
	// Session loads a session for update: the row stays locked until the unit of work ends, so
	// two refreshes of one token cannot both succeed.
	Session(ctx context.Context, id string) (Session, error)
	SaveSession(ctx context.Context, s Session) error
}
