package useradmin

import (
	"context"

	"github.com/stvos/stvos/core/account"
)

// Store keeps a tenant's users for their administrators; every method runs inside the tenant's
// ports.UnitOfWork. Missing rows are ports.ErrNotFound; an email in use is ports.ErrConflict
// with code EMAIL_TAKEN.
type Store interface {
	CreateUser(ctx context.Context, u account.User) error
	// User loads a user for update: the row stays locked until the unit of work ends.
	User(ctx context.Context, id string) (account.User, error)
	// ReadUser reads a user without locking it.
	ReadUser(ctx context.Context, id string) (account.User, error)
	SaveUser(ctx context.Context, u account.User) error
	// ListUsers returns up to limit users matching the filter, in creation order, after the
	// user id after when it is not empty.
	ListUsers(ctx context.Context, f Filter, after string, limit int) ([]account.User, error)
}

// Filter narrows a listing of users; empty fields match everything.
type Filter struct {
	Query         string
	Status        string
	Role          string
	CountryCode   string
	CreatedAfter  *int64
	CreatedBefore *int64
}
