package payment

import (
	"context"
	"time"

	"github.com/stvos/stvos/ports"
)

// Store keeps payment methods and each account's gateway customers, in the tenant's unit of
// work. Every method belongs to one account: a method of another account (or tenant) is
// ports.ErrNotFound, as a missing one is.
type Store interface {
	// LockAccount serialises changes to one account's payment methods until the unit of work
	// ends, so that two changes at once (two first methods) cannot both make a default.
	LockAccount(ctx context.Context, userID string) error
	// Customer answers the account's customer at a gateway; ports.ErrNotFound when none.
	Customer(ctx context.Context, userID, gateway string) (string, error)
	// PutCustomer records the account's customer at a gateway; one already recorded stays.
	PutCustomer(ctx context.Context, userID, gateway, customerID string, at time.Time) error
	// Create stores a method. At most one method of an account is the default: a second is
	// ports.ErrConflict.
	Create(ctx context.Context, m Method) error
	// Get loads a method of the account.
	Get(ctx context.Context, userID, id string) (Method, error)
	// List returns the account's methods in creation order.
	List(ctx context.Context, userID string) ([]Method, error)
	// SetDefault makes the method the account's only default, touching updated_at of the
	// methods whose flag changes.
	SetDefault(ctx context.Context, userID, id string, at time.Time) error
	// Delete removes a method of the account.
	Delete(ctx context.Context, userID, id string) error
}

// Subscriptions is what payment methods need to know of subscriptions: whether an account has
// an active one, which renews with its default method. The subscription context answers it
// from its store; it is called inside the unit of work of the change it guards, so such an
// answer is read in the same transaction.
type Subscriptions interface {
	HasActive(ctx context.Context, tenantID, userID string) (bool, error)
}

// HasActiveFunc adapts a function to Subscriptions.
type HasActiveFunc func(ctx context.Context, tenantID, userID string) (bool, error)

// HasActive calls f.
func (f HasActiveFunc) HasActive(ctx context.Context, tenantID, userID string) (bool, error) {
	return f(ctx, tenantID, userID)
}

// Gateways hands out payment gateways: the one a client is configured for now, and by name the
// one an existing method was attached with. The tenant registry implements it.
type Gateways interface {
	// For answers the client's gateway. Call it outside any unit of work: it may read the
	// client's settings.
	For(ctx context.Context, tenantID string) (ports.Payments, error)
	// Named answers the gateway of that name, or an error when this server does not run it.
	Named(name string) (ports.Payments, error)
}
