package identity

import (
	"context"
	"errors"
	"time"

	"github.com/stvos/stvos/ports"
)

// AuthenticateUser checks a tenant user's email and password for a sign-in form (the OAuth
// authorization and device pages) from address: failures throttled, suspended users refused.
func (s *Service) AuthenticateUser(ctx context.Context, tenantID, email, password, address string) (User, error) {
	return s.signIn(ctx, tenantID, email, password, address, nil)
}

// OpenOAuthSession records an OAuth grant as a session of the user the first time it issues a
// refresh token; later refresh tokens of the grant only mark it used.
func (s *Service) OpenOAuthSession(ctx context.Context, tenantID, userID, sessionID, clientID, refreshSignature string) error {
	return s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		now := s.Clock.Now()
		sess, err := s.Store.Session(ctx, sessionID)
		if err == nil {
			sess.LastUsedAt = now
			return s.Store.SaveSession(ctx, sess)
		}
		if !errors.Is(err, ports.ErrNotFound) {
			return err
		}
		device := "OAuth app " + clientID
		if c, err := s.OAuth.Client(ctx, clientID); err == nil {
			device = c.Name
		}
		return s.Store.CreateSession(ctx, Session{ID: sessionID, TenantID: tenantID, SubjectKind: KindUser, SubjectID: userID,
			RefreshHash: hashSecret(refreshSignature), Device: device, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(UserSessionTTL)})
	})
}

// SessionLive reports whether the session exists, is not revoked and has not expired; a session
// that was never opened (a grant before its first refresh token) counts as live.
func (s *Service) SessionLive(ctx context.Context, sessionID string) (bool, error) {
	sess, err := s.Store.Session(ctx, sessionID)
	if errors.Is(err, ports.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return sess.Live(s.Clock.Now()), nil
}

// EndOAuthSession revokes the session of an OAuth grant, in the current unit of work.
func (s *Service) EndOAuthSession(ctx context.Context, sessionID string) error {
	sess, err := s.Store.Session(ctx, sessionID)
	if errors.Is(err, ports.ErrNotFound) {
		return s.Revocations.Revoke(ctx, []string{sessionID}, AccessTokenTTL+time.Minute)
	}
	if err != nil {
		return err
	}
	if sess.RevokedAt != nil {
		return nil
	}
	return s.revoke(ctx, &sess, s.Clock.Now())
}
