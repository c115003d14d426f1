package useradmin

import (
	"context"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// Sessions lists a user's live sessions (their signed-in devices), newest first; a user of
// another tenant is not found.
func (s *Service) Sessions(ctx context.Context, tenantID, userID string) ([]session.Session, error) {
	if !ports.IsID(userID) {
		return nil, ports.NotFound("user")
	}
	var out []session.Session
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if _, err := s.d.Store.ReadUser(ctx, userID); err != nil {
			return err
		}
		var err error
		out, err = s.d.Sessions.UserSessions(ctx, tenantID, userID)
		return err
	})
	return out, err
}

// EndSession signs one of the user's devices out: its refresh and access tokens stop working at
// once. The change is kept in the audit log as user.end_session.
func (s *Service) EndSession(ctx context.Context, tenantID, userID, sessionID string, by audit.Actor) error {
	if !ports.IsID(userID) {
		return ports.NotFound("user")
	}
	return s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if _, err := s.d.Store.ReadUser(ctx, userID); err != nil {
			return err
		}
		if err := s.d.Sessions.EndUserSession(ctx, tenantID, userID, sessionID); err != nil {
			return err
		}
		return s.record(ctx, tenantID, by, "user.end_session", userID, "", map[string]any{"session_id": sessionID})
	})
}
