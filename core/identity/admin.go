package identity

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/stvos/stvos/ports"
)

// listStatuses are the statuses a listing may filter on; the specification's
// pending_verification and deleted match no account yet.
var listStatuses = map[string]bool{"active": true, "suspended": true, "pending_verification": true, "deleted": true}

// ListUsers returns a page of the tenant's users matching the filter, in creation order.
func (s *Service) ListUsers(ctx context.Context, tenantID string, f UserFilter, after string, limit int) ([]User, bool, error) {
	var v ports.Validation
	v.Check(after == "" || ports.IsID(after), "cursor", "is not a cursor this API returned")
	v.Check(f.Status == "" || listStatuses[f.Status], "status", "must be active, suspended, pending_verification or deleted")
	v.Check(f.Role == "" || userRoles[f.Role], "role", "must be subscriber, partner, admin or superadmin")
	v.Check(f.CountryCode == "" || countryCode.MatchString(strings.ToUpper(f.CountryCode)), "country_code", "must be 2 letters")
	v.Check(utf8.RuneCountInString(f.Query) <= 200, "q", "must be at most 200 characters")
	if err := v.Err(); err != nil {
		return nil, false, err
	}
	f.CountryCode = strings.ToUpper(f.CountryCode)
	var us []User
	err := s.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		us, err = s.Store.ListUsers(ctx, f, after, limit+1)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	us, more := ports.TrimPage(us, limit)
	return us, more, nil
}

// GetUser returns one user of the tenant.
func (s *Service) GetUser(ctx context.Context, tenantID, userID string) (User, error) {
	if !ports.IsID(userID) {
		return User{}, ports.NotFound("user")
	}
	return s.Me(ctx, tenantID, userID)
}

// AdminChange is an admin's change of a user; nil fields stay as they are.
type AdminChange struct {
	Status *UserStatus
	Roles  []string
	Reason string
	// IfVersion, when not zero, must equal the stored version.
	IfVersion int
}

// UpdateUser changes a user's status or roles. Granting or removing superadmin needs superadmin;
// suspending through it needs a reason like Suspend.
func (s *Service) UpdateUser(ctx context.Context, tenantID, userID string, ch AdminChange, by Actor) (User, error) {
	if !ports.IsID(userID) {
		return User{}, ports.NotFound("user")
	}
	var v ports.Validation
	if ch.Status != nil {
		v.Check(*ch.Status == UserActive || *ch.Status == UserSuspended, "status", "must be active or suspended")
		v.Check(*ch.Status != UserSuspended || strings.TrimSpace(ch.Reason) != "", "reason", "is required to suspend")
		v.Check(utf8.RuneCountInString(ch.Reason) <= 500, "reason", "must be at most 500 characters")
	}
	if ch.Roles != nil {
		v.Check(len(ch.Roles) > 0, "roles", "must not be empty")
		for _, r := range ch.Roles {
			v.Check(userRoles[r], "roles", "must be subscriber, partner, admin or superadmin")
		}
	}
	if err := v.Err(); err != nil {
		return User{}, err
	}
	var u User
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		var err error
		if u, err = s.Store.User(ctx, userID); err != nil {
			return err
		}
		if ch.IfVersion != 0 && ch.IfVersion != u.Version {
			return &ports.Error{Kind: ports.ErrPrecondition, Code: "PRECONDITION_FAILED", Message: "The user has changed since it was read; read it again."}
		}
		details := map[string]any{}
		if ch.Roles != nil {
			roles := slices.Compact(slices.Sorted(slices.Values(ch.Roles)))
			if (slices.Contains(roles, RoleSuperadmin) != u.HasRole(RoleSuperadmin)) && !by.IsSuperadmin() {
				return ports.Forbidden("SUPERADMIN_REQUIRED", "Only a superadmin may grant or remove superadmin.")
			}
			details["roles"] = map[string]any{"from": u.Roles, "to": roles}
			u.Roles = roles
		}
		action := "user.update"
		if ch.Status != nil && *ch.Status != u.Status {
			details["status"] = map[string]any{"from": u.Status, "to": *ch.Status}
			action = map[UserStatus]string{UserSuspended: "user.suspend", UserActive: "user.reinstate"}[*ch.Status]
			u.Status = *ch.Status
			u.SuspensionReason = ""
			if u.Status == UserSuspended {
				u.SuspensionReason = strings.TrimSpace(ch.Reason)
			}
		}
		u.UpdatedAt, u.Version = s.Clock.Now(), u.Version+1
		if err := s.Store.SaveUser(ctx, u); err != nil {
			return err
		}
		if u.Status == UserSuspended || ch.Roles != nil {
			// Tokens carry roles and status: end the sessions so no stale token outlives the change.
			if err := s.revokeAll(ctx, KindUser, userID, ""); err != nil {
				return err
			}
		}
		if action == "user.suspend" {
			for _, h := range s.OnSuspend {
				if err := h.UserSuspended(ctx, tenantID, userID); err != nil {
					return err
				}
			}
		}
		return s.record(ctx, tenantID, by, action, userID, strings.TrimSpace(ch.Reason), details)
	})
	return u, err
}

// Suspend suspends a user: they cannot sign in and every session ends at once. The reason is
// required and kept in the audit log.
func (s *Service) Suspend(ctx context.Context, tenantID, userID, reason string, by Actor) (User, error) {
	if strings.TrimSpace(reason) == "" {
		return User{}, ports.Invalid("reason", "is required")
	}
	st := UserSuspended
	return s.UpdateUser(ctx, tenantID, userID, AdminChange{Status: &st, Reason: reason}, by)
}

// Reinstate lifts a suspension.
func (s *Service) Reinstate(ctx context.Context, tenantID, userID, reason string, by Actor) (User, error) {
	st := UserActive
	return s.UpdateUser(ctx, tenantID, userID, AdminChange{Status: &st, Reason: reason}, by)
}
