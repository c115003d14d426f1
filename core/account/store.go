package account

import "context"

// Store keeps a tenant's users; every method runs inside the tenant's ports.UnitOfWork. Missing
// rows are ports.ErrNotFound; an email in use is ports.ErrConflict with code EMAIL_TAKEN.
type Store interface {
	CreateUser(ctx context.Context, u User) error
	UserByEmail(ctx context.Context, email string) (User, error)
	// User loads a user for update: the row stays locked until the unit of work ends.
	User(ctx context.Context, id string) (User, error)
	// ReadUser reads a user without locking it.
	ReadUser(ctx context.Context, id string) (User, error)
	SaveUser(ctx context.Context, u User) error
}
