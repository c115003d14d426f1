// Package useradmin is a tenant's administration of its users: listing and reading them,
// creating admins, changing roles, suspending and reinstating, every change in the audit log
// and ending the user's sessions when their tokens would go stale.
package useradmin

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// Deps are what user administration needs.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	Passwords  *credential.Passwords
	Sessions   *session.Service
	Audit      audit.Store
	Clock      ports.Clock
	// OnSuspend are told, inside the suspension's unit of work, that a user was suspended (the
	// playback context frees the user's stream slots through it).
	OnSuspend []SuspendHook
}

// SuspendHook reacts to a user's suspension.
type SuspendHook interface {
	UserSuspended(ctx context.Context, tenantID, userID string) error
}

// Service holds the user administration use cases.
type Service struct{ d Deps }

// NewService returns user administration.
func NewService(d Deps) *Service { return &Service{d: d} }

// CreateAdmin creates an admin user of the tenant; they sign in like its subscribers.
func (s *Service) CreateAdmin(ctx context.Context, tenantID, email, password, name string, by audit.Actor) (account.User, error) {
	if !ports.IsID(tenantID) {
		return account.User{}, ports.NotFound("tenant")
	}
	email = credential.NormalizeEmail(email)
	var v ports.Validation
	account.ValidateNew(&v, email, password, name)
	if err := v.Err(); err != nil {
		return account.User{}, err
	}
	hash, err := s.d.Passwords.Hash(password)
	if err != nil {
		return account.User{}, err
	}
	u := account.New(tenantID, email, hash, name, []string{session.RoleSubscriber, session.RoleAdmin}, s.d.Clock.Now())
	err = s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if err := s.d.Store.CreateUser(ctx, u); err != nil {
			if errors.Is(err, ports.ErrNotFound) {
				return ports.NotFound("tenant")
			}
			return err
		}
		return s.record(ctx, tenantID, by, "user.create_admin", u.ID, "", nil)
	})
	return u, err
}

func (s *Service) record(ctx context.Context, tenantID string, by audit.Actor, action, target, reason string, details map[string]any) error {
	r := audit.NewRecord(tenantID, by, action, "user", target, s.d.Clock.Now())
	r.Reason = reason
	if details != nil {
		r.Details = details
	}
	return s.d.Audit.Append(ctx, r)
}

// listStatuses are the statuses a listing may filter on; the specification's
// pending_verification and deleted match no account yet.
var listStatuses = map[string]bool{"active": true, "suspended": true, "pending_verification": true, "deleted": true}

// ListUsers returns a page of the tenant's users matching the filter, in creation order.
func (s *Service) ListUsers(ctx context.Context, tenantID string, f Filter, after string, limit int) ([]account.User, bool, error) {
	var v ports.Validation
	v.Check(after == "" || ports.IsID(after), "cursor", "is not a cursor this API returned")
	v.Check(f.Status == "" || listStatuses[f.Status], "status", "must be active, suspended, pending_verification or deleted")
	v.Check(f.Role == "" || account.ValidRole(f.Role), "role", "must be subscriber, partner, admin or superadmin")
	v.Check(f.CountryCode == "" || account.ValidCountryCode(f.CountryCode), "country_code", "must be 2 letters")
	v.Check(utf8.RuneCountInString(f.Query) <= 200, "q", "must be at most 200 characters")
	if err := v.Err(); err != nil {
		return nil, false, err
	}
	f.CountryCode = strings.ToUpper(f.CountryCode)
	var us []account.User
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		us, err = s.d.Store.ListUsers(ctx, f, after, limit+1)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	us, more := ports.TrimPage(us, limit)
	return us, more, nil
}

// GetUser returns one user of the tenant.
func (s *Service) GetUser(ctx context.Context, tenantID, userID string) (account.User, error) {
	if !ports.IsID(userID) {
		return account.User{}, ports.NotFound("user")
	}
	var u account.User
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		u, err = s.d.Store.ReadUser(ctx, userID)
		return err
	})
	return u, err
}

// AdminChange is an admin's change of a user; nil fields stay as they are.
type AdminChange struct {
	Status *account.UserStatus
	Roles  []string
	Reason string
	// IfVersion, when not zero, must equal the stored version.
	IfVersion int
}

// UpdateUser changes a user's status or roles. Granting or removing superadmin needs superadmin;
// suspending needs a reason, kept in the audit log; suspending ends every session at once.
func (s *Service) UpdateUser(ctx context.Context, tenantID, userID string, ch AdminChange, by audit.Actor) (account.User, error) {
	if !ports.IsID(userID) {
		return account.User{}, ports.NotFound("user")
	}
	var v ports.Validation
	if ch.Status != nil {
		v.Check(*ch.Status == account.UserActive || *ch.Status == account.UserSuspended, "status", "must be active or suspended")
		v.Check(*ch.Status != account.UserSuspended || strings.TrimSpace(ch.Reason) != "", "reason", "is required to suspend")
		v.Check(utf8.RuneCountInString(ch.Reason) <= 500, "reason", "must be at most 500 characters")
	}
	if ch.Roles != nil {
		v.Check(len(ch.Roles) > 0, "roles", "must not be empty")
		for _, r := range ch.Roles {
			v.Check(account.ValidRole(r), "roles", "must be subscriber, partner, admin or superadmin")
		}
	}
	if err := v.Err(); err != nil {
		return account.User{}, err
	}
	var u account.User
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		var err error
		if u, err = s.d.Store.User(ctx, userID); err != nil {
			return err
		}
		if ch.IfVersion != 0 && ch.IfVersion != u.Version {
			return &ports.Error{Kind: ports.ErrPrecondition, Code: "PRECONDITION_FAILED", Message: "The user has changed since it was read; read it again."}
		}
		details := map[string]any{}
		if ch.Roles != nil {
			roles := slices.Compact(slices.Sorted(slices.Values(ch.Roles)))
			if (slices.Contains(roles, session.RoleSuperadmin) != u.HasRole(session.RoleSuperadmin)) && !by.HasRole(session.RoleSuperadmin) {
				return ports.Forbidden("SUPERADMIN_REQUIRED", "Only a superadmin may grant or remove superadmin.")
			}
			details["roles"] = map[string]any{"from": u.Roles, "to": roles}
			u.Roles = roles
		}
		action := "user.update"
		if ch.Status != nil && *ch.Status != u.Status {
			details["status"] = map[string]any{"from": u.Status, "to": *ch.Status}
			action = map[account.UserStatus]string{account.UserSuspended: "user.suspend", account.UserActive: "user.reinstate"}[*ch.Status]
			u.Status = *ch.Status
			u.SuspensionReason = ""
			if u.Status == account.UserSuspended {
				u.SuspensionReason = strings.TrimSpace(ch.Reason)
			}
		}
		u.UpdatedAt, u.Version = s.d.Clock.Now(), u.Version+1
		if err := s.d.Store.SaveUser(ctx, u); err != nil {
			return err
		}
		if u.Status == account.UserSuspended || ch.Roles != nil {
			// Tokens carry roles and status: end the sessions so no stale token outlives the change.
			if err := s.d.Sessions.RevokeAll(ctx, session.KindUser, userID, ""); err != nil {
				return err
			}
		}
		if action == "user.suspend" {
			for _, h := range s.d.OnSuspend {
				if err := h.UserSuspended(ctx, tenantID, userID); err != nil {
					return err
				}
			}
		}
		return s.record(ctx, tenantID, by, action, userID, strings.TrimSpace(ch.Reason), details)
	})
	return u, err
}
