package sso

import (
	"context"
	"time"

	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/organization"
	"github.com/stvos/stvos/core/session"
)

// Store keeps login tickets, in the tenant's ports.UnitOfWork from ctx; missing rows are
// ports.ErrNotFound.
type Store interface {
	Create(ctx context.Context, t Ticket) error
	// Get loads a ticket for update: the row stays locked until the unit of work ends, so two
	// exchanges of one ticket cannot both succeed.
	Get(ctx context.Context, id string) (Ticket, error)
	MarkUsed(ctx context.Context, id string, at time.Time) error
}

// Accounts finds, creates and signs in the client's users (core/account), in the caller's unit
// of work.
type Accounts interface {
	Provision(ctx context.Context, tenantID, email, name string) (account.User, bool, error)
	OpenSession(ctx context.Context, userID string, c session.Client) (account.User, session.TokenSet, error)
}

// Organizations links a user to the partner's organization known by its provider id
// (core/organization), in the caller's unit of work.
type Organizations interface {
	Join(ctx context.Context, partnerID, providerID, userID string, role organization.Role) (bool, error)
}
