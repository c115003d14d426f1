package identity

import (
	"context"
	"errors"
	"time"

	"github.com/stvos/stvos/ports"
)

// open starts a session for the principal and issues its first token set. It runs inside the
// caller's unit of work, in the principal's scope.
func (s *Service) open(ctx context.Context, p Principal, c Client, ttl time.Duration) (TokenSet, error) {
	now := s.Clock.Now()
	sess := Session{ID: ports.NewID(), TenantID: p.TenantID, PartnerID: p.PartnerID, SubjectKind: p.Kind, SubjectID: p.SubjectID,
		Device: clip(c.Device, 200), Address: clip(c.Address, 64), CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(ttl)}
	refresh, hash := newRefreshToken(sess)
	sess.RefreshHash = hash
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return TokenSet{}, err
	}
	return s.issue(ctx, p, sess.ID, refresh)
}

func (s *Service) issue(ctx context.Context, p Principal, sessionID, refresh string) (TokenSet, error) {
	now := s.Clock.Now()
	tok, err := s.Signer.Sign(ctx, ports.Claims{
		ID: ports.NewID(), Subject: p.SubjectID, Kind: p.Kind, TenantID: p.TenantID, PartnerID: p.PartnerID,
		Roles: p.Roles, SessionID: sessionID, Audience: p.Audience(), IssuedAt: now.Unix(), ExpiresAt: now.Add(AccessTokenTTL).Unix(),
	})
	if err != nil {
		return TokenSet{}, err
	}
	return TokenSet{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int(AccessTokenTTL.Seconds()), RefreshToken: refresh, SessionID: sessionID, SubjectID: p.SubjectID}, nil
}

// Refresh rotates a refresh token of the given kind of principal (a token of another kind is
// refused), re-reading the principal so roles and suspension take effect. Presenting an already
// rotated token revokes the session: it was copied, and neither copy can be trusted any more.
// tenantID, when not empty, is the tenant the caller's API key names: the token must be of it.
func (s *Service) Refresh(ctx context.Context, kind, tenantID, refreshToken string) (TokenSet, error) {
	scope, id, secret, ok := parseRefreshToken(refreshToken)
	if !ok || (tenantID != "" && scope.TenantID != tenantID) || (kind == KindOperator) != scope.Platform {
		return TokenSet{}, ErrBadRefreshToken
	}
	var (
		ts     TokenSet
		reused bool
	)
	err := s.uow.Do(ctx, scope, func(ctx context.Context) error {
		sess, err := s.Store.Session(ctx, id)
		if errors.Is(err, ports.ErrNotFound) {
			return ErrBadRefreshToken
		}
		if err != nil {
			return err
		}
		if sess.SubjectKind != kind {
			return ErrBadRefreshToken
		}
		now := s.Clock.Now()
		h := hashSecret(secret)
		if sameHash(h, sess.PreviousHash) && sess.RevokedAt == nil {
			reused = true
			return s.revoke(ctx, &sess, now)
		}
		if !sameHash(h, sess.RefreshHash) || !sess.Live(now) {
			return ErrBadRefreshToken
		}
		p, err := s.principal(ctx, sess)
		if err != nil {
			return err
		}
		refresh, hash := newRefreshToken(sess)
		sess.PreviousHash, sess.RefreshHash, sess.LastUsedAt = sess.RefreshHash, hash, now
		if err := s.Store.SaveSession(ctx, sess); err != nil {
			return err
		}
		ts, err = s.issue(ctx, p, sess.ID, refresh)
		return err
	})
	if err == nil && reused {
		return TokenSet{}, ErrBadRefreshToken
	}
	return ts, err
}

// principal re-reads who a session is for.
func (s *Service) principal(ctx context.Context, sess Session) (Principal, error) {
	switch sess.SubjectKind {
	case KindOperator:
		op, err := s.Store.Operator(ctx, sess.SubjectID)
		if err != nil {
			return Principal{}, ErrBadRefreshToken
		}
		return Principal{Kind: KindOperator, SubjectID: op.ID, Roles: []string{RoleSuperadmin}}, nil
	case KindUser:
		u, err := s.Store.User(ctx, sess.SubjectID)
		if err != nil || u.Status != UserActive {
			return Principal{}, ErrBadRefreshToken
		}
		return userPrincipal(u), nil
	case KindPartnerStaff:
		st, err := s.Staff.Staff(ctx, sess.SubjectID)
		if err != nil {
			return Principal{}, ErrBadRefreshToken
		}
		return staffPrincipal(st), nil
	}
	return Principal{}, ErrBadRefreshToken
}

// revoke marks a session revoked and tells every server to refuse its access tokens.
func (s *Service) revoke(ctx context.Context, sess *Session, now time.Time) error {
	sess.RevokedAt = &now
	if err := s.Store.SaveSession(ctx, *sess); err != nil {
		return err
	}
	return s.Revocations.Revoke(ctx, []string{sess.ID}, AccessTokenTTL+time.Minute)
}

// revokeAll revokes the subject's sessions but keep, in the current unit of work.
func (s *Service) revokeAll(ctx context.Context, kind, subjectID, keep string) error {
	ids, err := s.Store.RevokeSessions(ctx, kind, subjectID, keep)
	if err != nil {
		return err
	}
	return s.Revocations.Revoke(ctx, ids, AccessTokenTTL+time.Minute)
}

// Logout ends the session the caller's token belongs to.
func (s *Service) Logout(ctx context.Context, scope ports.Scope, sessionID string) error {
	return s.uow.Do(ctx, scope, func(ctx context.Context) error {
		sess, err := s.Store.Session(ctx, sessionID)
		if err != nil {
			return err
		}
		if sess.RevokedAt != nil {
			return nil
		}
		return s.revoke(ctx, &sess, s.Clock.Now())
	})
}

// Sessions lists a user's live sessions (their signed-in devices).
func (s *Service) Sessions(ctx context.Context, tenantID, userID string) ([]Session, error) {
	var out []Session
	err := s.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		out, err = s.Store.LiveSessions(ctx, KindUser, userID)
		return err
	})
	return out, err
}

// RevokeSession ends one of the user's own sessions; another user's session is not found.
func (s *Service) RevokeSession(ctx context.Context, tenantID, userID, sessionID string) error {
	if !ports.IsID(sessionID) {
		return ports.NotFound("session")
	}
	return s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		sess, err := s.Store.Session(ctx, sessionID)
		if err != nil {
			return err
		}
		if sess.SubjectKind != KindUser || sess.SubjectID != userID || sess.RevokedAt != nil {
			return ports.NotFound("session")
		}
		return s.revoke(ctx, &sess, s.Clock.Now())
	})
}
