package session

import (
	"context"
	"errors"
	"time"

	"github.com/stvos/stvos/ports"
)

// An OAuth grant is a session of its user: it is listed among the user's devices, ending it
// ends the grant's tokens, and the grant's tokens are refused once it ends. The OAuth server's
// request id is the session id. These run in the caller's tenant unit of work.

// GrantTTL is how long an OAuth grant may be refreshed.
const GrantTTL = 30 * 24 * time.Hour

// OpenGrant records an OAuth grant as a session of the user the first time it issues a refresh
// token (device names the app); later refresh tokens of the grant only mark it used.
func (s *Service) OpenGrant(ctx context.Context, tenantID, userID, sessionID, device, refreshSignature string) error {
	now := s.d.Clock.Now()
	sess, err := s.d.Store.Session(ctx, sessionID)
	if err == nil {
		sess.LastUsedAt = now
		return s.d.Store.SaveSession(ctx, sess)
	}
	if !errors.Is(err, ports.ErrNotFound) {
		return err
	}
	return s.d.Store.CreateSession(ctx, Session{ID: sessionID, TenantID: tenantID, SubjectKind: KindUser, SubjectID: userID,
		RefreshHash: HashSecret(refreshSignature), Device: clip(device, 200), CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(GrantTTL)})
}

// GrantLive reports whether the grant's session exists, is not revoked and has not expired; a
// grant that has no session yet (before its first refresh token) counts as live.
func (s *Service) GrantLive(ctx context.Context, sessionID string) (bool, error) {
	sess, err := s.d.Store.Session(ctx, sessionID)
	if errors.Is(err, ports.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return sess.Live(s.d.Clock.Now()), nil
}

// EndGrant revokes the session of an OAuth grant; a grant without a session still has its
// access tokens refused.
func (s *Service) EndGrant(ctx context.Context, sessionID string) error {
	sess, err := s.d.Store.Session(ctx, sessionID)
	if errors.Is(err, ports.ErrNotFound) {
		return s.d.Revocations.Revoke(ctx, []string{sessionID}, revocationTTL)
	}
	if err != nil {
		return err
	}
	if sess.RevokedAt != nil {
		return nil
	}
	return s.revoke(ctx, &sess, s.d.Clock.Now())
}
