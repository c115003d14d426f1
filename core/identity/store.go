package identity

import (
	"context"

	"github.com/stvos/stvos/core/partner"
)

// Store keeps operators, users and sessions. Every method runs inside a ports.UnitOfWork from
// ctx: operators and their sessions in the platform scope, users and theirs in their tenant's.
// Missing rows are ports.ErrNotFound; an email in use is ports.ErrConflict with code EMAIL_TAKEN.
type Store interface {
	CreateOperator(ctx context.Context, o Operator) error
	OperatorByEmail(ctx context.Context, email string) (Operator, error)
	Operator(ctx context.Context, id string) (Operator, error)

	CreateUser(ctx context.Context, u User) error
	UserByEmail(ctx context.Context, email string) (User, error)
	// User loads a user of the current tenant for update: the row stays locked until the unit
	// of work ends.
	User(ctx context.Context, id string) (User, error)
	// ReadUser reads a user of the current tenant without locking it.
	ReadUser(ctx context.Context, id string) (User, error)
	SaveUser(ctx context.Context, u User) error
	ListUsers(ctx context.Context, f UserFilter, after string, limit int) ([]User, error)

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
}

// StaffStore finds partner staff for sign-in. StaffByEmail runs in the staff's tenant.
type StaffStore interface {
	StaffByEmail(ctx context.Context, email string) (partner.Staff, error)
	Staff(ctx context.Context, id string) (partner.Staff, error)
	Get(ctx context.Context, partnerID string) (partner.Partner, error)
}

// TenantStatus tells whether the tenant of the current unit of work is active.
type TenantStatus interface {
	TenantActive(ctx context.Context, tenantID string) (bool, error)
}

// UserFilter narrows a listing of users; empty fields match everything.
type UserFilter struct {
	Query         string
	Status        string
	Role          string
	CountryCode   string
	CreatedAfter  *int64
	CreatedBefore *int64
}
