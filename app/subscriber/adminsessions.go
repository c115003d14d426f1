package subscriber

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/useradmin"
)

// UserSessionInput names one session of a user.
type UserSessionInput struct {
	UserIDInput
	SessionIDInput
}

// registerAdminSessions lets admins see a user's signed-in devices and sign one out (a lost
// phone), without suspending the whole account.
func registerAdminSessions(s *surface.Surface, users *useradmin.Service) {
	admin := func(perm string) map[string]any { return surface.Permit(perm, surface.UserToken) }
	huma.Register(s.API, huma.Operation{
		OperationID: "admin-list-user-sessions", Method: http.MethodGet, Path: "/admin/users/{user_id}/sessions", Tags: []string{"admin-users"},
		Summary: "List a user's signed-in devices (admin)", Description: "Live sessions, newest first.",
		Metadata: admin("admin:users:read"), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *UserIDInput) (*SessionsOutput, error) {
		p := surface.PrincipalFrom(ctx)
		ss, err := users.Sessions(ctx, p.TenantID, in.UserID)
		if err != nil {
			return nil, err
		}
		return sessionsOutput(ss, p.SessionID), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "admin-end-user-session", Method: http.MethodDelete, Path: "/admin/users/{user_id}/sessions/{session_id}",
		Tags: []string{"admin-users"}, Summary: "Sign one of a user's devices out (admin)",
		Description:   "Its refresh token and access tokens stop working at once. Audit-logged as user.end_session.",
		DefaultStatus: http.StatusNoContent, Metadata: admin("admin:users:write"), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *UserSessionInput) (*struct{}, error) {
		p := surface.PrincipalFrom(ctx)
		return nil, users.EndSession(ctx, p.TenantID, in.UserID, in.SessionID, p.Actor())
	})
}
