package operator

import "context"

// Store keeps operators, in the platform scope of a ports.UnitOfWork. Missing rows are
// ports.ErrNotFound; an email in use is ports.ErrConflict with code EMAIL_TAKEN.
type Store interface {
	CreateOperator(ctx context.Context, o Operator) error
	OperatorByEmail(ctx context.Context, email string) (Operator, error)
	Operator(ctx context.Context, id string) (Operator, error)
}
