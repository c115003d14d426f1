package subscriber

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/useradmin"
)

// ListUsersInput filters and pages the client's users.
type ListUsersInput struct {
	Cursor        string    `query:"cursor" maxLength:"64" doc:"Opaque cursor from meta.next_cursor."`
	Limit         int       `query:"limit" minimum:"1" maximum:"100" default:"20"`
	Q             string    `query:"q" maxLength:"200" doc:"Full-text search on email and display name."`
	Status        string    `query:"status" enum:"active,suspended,pending_verification,deleted"`
	Role          string    `query:"role" enum:"subscriber,partner,admin,superadmin"`
	CountryCode   string    `query:"country_code" minLength:"2" maxLength:"2"`
	CreatedAfter  time.Time `query:"created_after" doc:"RFC 3339"`
	CreatedBefore time.Time `query:"created_before" doc:"RFC 3339"`
}

// UserListOutput is a page of users.
type UserListOutput struct {
	Body surface.CursorPage[UserBody]
}

// UserIDInput names a user.
type UserIDInput struct {
	UserID string `path:"user_id" format:"uuid"`
}

// UpdateUserInput changes a user's status or roles.
type UpdateUserInput struct {
	UserIDInput
	IfMatch string `header:"If-Match" doc:"The ETag last read; refused with 412 if the user changed since."`
	Body    struct {
		Status *string  `json:"status,omitempty" enum:"active,suspended"`
		Roles  []string `json:"roles,omitempty" minItems:"1" maxItems:"4" doc:"subscriber, partner, admin; superadmin only by a superadmin."`
		Reason string   `json:"reason,omitempty" maxLength:"500" doc:"Kept in the audit log; required to suspend."`
	}
}

// SuspendInput suspends a user.
type SuspendInput struct {
	UserIDInput
	IfMatch string `header:"If-Match"`
	Body    struct {
		Reason     string `json:"reason" minLength:"1" maxLength:"500" doc:"Required for the audit trail."`
		NotifyUser *bool  `json:"notify_user,omitempty" doc:"Accepted; notifications arrive with the notifications capability."`
	}
}

// ReinstateInput reinstates a user.
type ReinstateInput struct {
	UserIDInput
	IfMatch string `header:"If-Match"`
	Body    *struct {
		Reason string `json:"reason,omitempty" maxLength:"500"`
	}
}

func registerAdminUsers(s *surface.Surface, users *useradmin.Service) {
	admin := func(perm string) map[string]any { return surface.Permit(perm, surface.UserToken) }
	huma.Register(s.API, huma.Operation{
		OperationID: "list-users", Method: http.MethodGet, Path: "/admin/users", Tags: []string{"admin-users"},
		Summary: "List users (admin)", Description: "The client's users in creation order, cursor-paginated, with filters.",
		Metadata: admin("admin:users:read"), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ListUsersInput) (*UserListOutput, error) {
		f := useradmin.Filter{Query: in.Q, Status: in.Status, Role: in.Role, CountryCode: in.CountryCode}
		if !in.CreatedAfter.IsZero() {
			t := in.CreatedAfter.Unix()
			f.CreatedAfter = &t
		}
		if !in.CreatedBefore.IsZero() {
			t := in.CreatedBefore.Unix()
			f.CreatedBefore = &t
		}
		limit := in.Limit
		if limit == 0 {
			limit = 20
		}
		us, more, err := users.ListUsers(ctx, surface.PrincipalFrom(ctx).TenantID, f, in.Cursor, limit)
		if err != nil {
			return nil, err
		}
		body := make([]UserBody, len(us))
		for i, u := range us {
			body[i] = userOutput(s, u).Body
		}
		return &UserListOutput{Body: surface.NewCursorPage(body, more, limit, func(u UserBody) string { return u.ID })}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-user", Method: http.MethodGet, Path: "/admin/users/{user_id}", Tags: []string{"admin-users"},
		Summary: "Get a user (admin)", Metadata: admin("admin:users:read"), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *UserIDInput) (*UserOutput, error) {
		u, err := users.GetUser(ctx, surface.PrincipalFrom(ctx).TenantID, in.UserID)
		if err != nil {
			return nil, err
		}
		return userOutput(s, u), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "update-user", Method: http.MethodPatch, Path: "/admin/users/{user_id}", Tags: []string{"admin-users"},
		Summary:     "Update a user's status or roles (admin)",
		Description: "Granting or removing superadmin needs superadmin. Changing roles or suspending ends the user's sessions. Audit-logged.",
		Metadata:    admin("admin:users:write"),
		Errors:      []int{http.StatusNotFound, http.StatusPreconditionFailed, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *UpdateUserInput) (*UserOutput, error) {
		v, err := surface.IfMatchVersion(in.IfMatch)
		if err != nil {
			return nil, err
		}
		ch := useradmin.AdminChange{Roles: in.Body.Roles, Reason: in.Body.Reason, IfVersion: v}
		if in.Body.Status != nil {
			st := account.UserStatus(*in.Body.Status)
			ch.Status = &st
		}
		u, err := users.UpdateUser(ctx, surface.PrincipalFrom(ctx).TenantID, in.UserID, ch, surface.PrincipalFrom(ctx).Actor())
		if err != nil {
			return nil, err
		}
		return userOutput(s, u), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "suspend-user", Method: http.MethodPost, Path: "/admin/users/{user_id}/suspend", Tags: []string{"admin-users"},
		Summary:     "Suspend a user (admin)",
		Description: "Immediately: every session ends and sign-in answers 403. The reason is kept in the audit log.",
		Metadata:    admin("admin:users:write"),
		Errors:      []int{http.StatusNotFound, http.StatusPreconditionFailed, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *SuspendInput) (*UserOutput, error) {
		v, err := surface.IfMatchVersion(in.IfMatch)
		if err != nil {
			return nil, err
		}
		st := account.UserSuspended
		u, err := users.UpdateUser(ctx, surface.PrincipalFrom(ctx).TenantID, in.UserID,
			useradmin.AdminChange{Status: &st, Reason: in.Body.Reason, IfVersion: v}, surface.PrincipalFrom(ctx).Actor())
		if err != nil {
			return nil, err
		}
		return userOutput(s, u), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "reinstate-user", Method: http.MethodPost, Path: "/admin/users/{user_id}/reinstate", Tags: []string{"admin-users"},
		Summary: "Reinstate a suspended user (admin)", Metadata: admin("admin:users:write"),
		Errors: []int{http.StatusNotFound, http.StatusPreconditionFailed, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ReinstateInput) (*UserOutput, error) {
		v, err := surface.IfMatchVersion(in.IfMatch)
		if err != nil {
			return nil, err
		}
		reason := ""
		if in.Body != nil {
			reason = in.Body.Reason
		}
		st := account.UserActive
		u, err := users.UpdateUser(ctx, surface.PrincipalFrom(ctx).TenantID, in.UserID,
			useradmin.AdminChange{Status: &st, Reason: reason, IfVersion: v}, surface.PrincipalFrom(ctx).Actor())
		if err != nil {
			return nil, err
		}
		return userOutput(s, u), nil
	})
}

// AuditInput filters and pages the audit log.
type AuditInput struct {
	Cursor   string `query:"cursor" maxLength:"64"`
	Limit    int    `query:"limit" minimum:"1" maximum:"100" default:"20"`
	Action   string `query:"action" maxLength:"64" doc:"Such as user.suspend."`
	TargetID string `query:"target_id" maxLength:"64"`
	ActorID  string `query:"actor_id" maxLength:"64"`
}

// AuditBody is one audit record.
type AuditBody struct {
	ID         string         `json:"id" format:"uuid"`
	ActorKind  string         `json:"actor_kind" doc:"operator or user"`
	ActorID    string         `json:"actor_id"`
	Action     string         `json:"action"`
	TargetKind string         `json:"target_kind"`
	TargetID   string         `json:"target_id"`
	Reason     string         `json:"reason,omitempty"`
	Details    map[string]any `json:"details"`
	CreatedAt  time.Time      `json:"created_at"`
}

// AuditOutput is a page of the audit log.
type AuditOutput struct {
	Body surface.CursorPage[AuditBody]
}

func registerAuditLog(s *surface.Surface, svc *audit.Service) {
	huma.Register(s.API, huma.Operation{
		OperationID: "list-audit-log", Method: http.MethodGet, Path: "/admin/audit-log", Tags: []string{"audit"},
		Summary: "Who did what, when, in this client", Description: "Newest first, cursor-paginated.",
		Metadata: surface.Permit("admin:audit:read", surface.UserToken), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *AuditInput) (*AuditOutput, error) {
		limit := in.Limit
		if limit == 0 {
			limit = 20
		}
		rs, more, err := svc.List(ctx, surface.PrincipalFrom(ctx).TenantID,
			audit.Filter{Action: in.Action, TargetID: in.TargetID, ActorID: in.ActorID}, in.Cursor, limit)
		if err != nil {
			return nil, err
		}
		body := make([]AuditBody, len(rs))
		for i, r := range rs {
			body[i] = AuditBody{ID: r.ID, ActorKind: r.ActorKind, ActorID: r.ActorID, Action: r.Action, TargetKind: r.TargetKind,
				TargetID: r.TargetID, Reason: r.Reason, Details: r.Details, CreatedAt: r.CreatedAt}
		}
		return &AuditOutput{Body: surface.NewCursorPage(body, more, limit, func(a AuditBody) string { return a.ID })}, nil
	})
}
