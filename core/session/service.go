package session

import (
	"context"
	"errors"
	"time"

	"github.com/stvos/stvos/ports"
)

// ErrBadRefreshToken answers an unknown, expired, revoked or reused refresh token.
var ErrBadRefreshToken = ports.Unauthenticated("INVALID_REFRESH_TOKEN", "The refresh token is invalid, expired or revoked.")

// Retention is how long ended sessions are kept: long enough to answer "what happened" after an
// incident.
const Retention = 30 * 24 * time.Hour

// Deps are what sessions need.
type Deps struct {
	UnitOfWork  ports.UnitOfWork
	Store       Store
	Signer      ports.TokenSigner
	Revocations ports.Revocations
	Clock       ports.Clock
}

// Service opens, rotates and ends sessions.
type Service struct{ d Deps }

// NewService returns the sessions.
func NewService(d Deps) *Service { return &Service{d: d} }

// Open starts a session for the principal and issues its first token set. It runs inside the
// caller's unit of work, in the principal's scope.
func (s *Service) Open(ctx context.Context, p Principal, c Client, ttl time.Duration) (TokenSet, error) {
	now := s.d.Clock.Now()
	sess := Session{ID: ports.NewID(), TenantID: p.TenantID, PartnerID: p.PartnerID, SubjectKind: p.Kind, SubjectID: p.SubjectID,
		Device: clip(c.Device, 200), Address: clip(c.Address, 64), CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(ttl)}
	refresh, hash := newRefreshToken(sess)
	sess.RefreshHash = hash
	if err := s.d.Store.CreateSession(ctx, sess); err != nil {
		return TokenSet{}, err
	}
	return s.issue(ctx, p, sess, refresh)
}

func (s *Service) issue(ctx context.Context, p Principal, sess Session, refresh string) (TokenSet, error) {
	now := s.d.Clock.Now()
	ttl := p.accessTTL()
	tok, err := s.d.Signer.Sign(ctx, ports.Claims{
		ID: ports.NewID(), Subject: p.SubjectID, Kind: p.Kind, TenantID: p.TenantID, PartnerID: p.PartnerID, OrgID: p.OrgID,
		Roles: p.Roles, Scopes: p.Scopes, SessionID: sess.ID, Audience: p.Audience(), IssuedAt: now.Unix(), ExpiresAt: now.Add(ttl).Unix(),
	})
	if err != nil {
		return TokenSet{}, err
	}
	return TokenSet{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int(ttl.Seconds()), RefreshToken: refresh,
		RefreshExpiresIn: max(int(sess.ExpiresAt.Sub(now).Seconds()), 0), SessionID: sess.ID, SubjectID: p.SubjectID}, nil
}

// Reread finds who a session is for now, so a refresh carries current roles; a principal that
// may no longer sign in (gone, suspended) answers an error, which refuses the refresh.
type Reread func(ctx context.Context, sess Session) (Principal, error)

// Refresh rotates a refresh token of the given kind of principal (a token of another kind is
// refused), re-reading the principal so roles and suspension take effect. Presenting an already
// rotated token revokes the session: it was copied, and neither copy can be trusted any more.
// tenantID, when not empty, is the tenant the caller's API key names: the token must be of it.
func (s *Service) Refresh(ctx context.Context, kind, tenantID, refreshToken string, reread Reread) (TokenSet, error) {
	scope, id, secret, ok := parseRefreshToken(refreshToken)
	if !ok || (tenantID != "" && scope.TenantID != tenantID) || (kind == KindOperator) != scope.Platform {
		return TokenSet{}, ErrBadRefreshToken
	}
	var (
		ts     TokenSet
		reused bool
	)
	err := s.d.UnitOfWork.Do(ctx, scope, func(ctx context.Context) error {
		sess, err := s.d.Store.Session(ctx, id)
		if errors.Is(err, ports.ErrNotFound) {
			return ErrBadRefreshToken
		}
		if err != nil {
			return err
		}
		if sess.SubjectKind != kind {
			return ErrBadRefreshToken
		}
		now := s.d.Clock.Now()
		h := HashSecret(secret)
		if sameHash(h, sess.PreviousHash) && sess.RevokedAt == nil {
			reused = true
			return s.revoke(ctx, &sess, now)
		}
		if !sameHash(h, sess.RefreshHash) || !sess.Live(now) {
			return ErrBadRefreshToken
		}
		p, err := reread(ctx, sess)
		if err != nil {
			return ErrBadRefreshToken
		}
		refresh, hash := newRefreshToken(sess)
		sess.PreviousHash, sess.RefreshHash, sess.LastUsedAt = sess.RefreshHash, hash, now
		if err := s.d.Store.SaveSession(ctx, sess); err != nil {
			return err
		}
		ts, err = s.issue(ctx, p, sess, refresh)
		return err
	})
	if err == nil && reused {
		return TokenSet{}, ErrBadRefreshToken
	}
	return ts, err
}

// Renew issues a new token set for a live session, invalidating its refresh token (the user
// changed their password in it), in the caller's unit of work.
func (s *Service) Renew(ctx context.Context, p Principal, sessionID string) (TokenSet, error) {
	sess, err := s.d.Store.Session(ctx, sessionID)
	if err != nil {
		return TokenSet{}, err
	}
	refresh, hash := newRefreshToken(sess)
	sess.PreviousHash, sess.RefreshHash, sess.LastUsedAt = nil, hash, s.d.Clock.Now()
	if err := s.d.Store.SaveSession(ctx, sess); err != nil {
		return TokenSet{}, err
	}
	return s.issue(ctx, p, sess, refresh)
}

// revoke marks a session revoked and tells every server to refuse its access tokens.
func (s *Service) revoke(ctx context.Context, sess *Session, now time.Time) error {
	sess.RevokedAt = &now
	if err := s.d.Store.SaveSession(ctx, *sess); err != nil {
		return err
	}
	return s.d.Revocations.Revoke(ctx, []string{sess.ID}, revocationTTL)
}

// RevokeAll revokes the subject's sessions but keep (if not empty), in the caller's unit of
// work, and tells every server to refuse their access tokens.
func (s *Service) RevokeAll(ctx context.Context, kind, subjectID, keep string) error {
	ids, err := s.d.Store.RevokeSessions(ctx, kind, subjectID, keep)
	if err != nil {
		return err
	}
	return s.d.Revocations.Revoke(ctx, ids, revocationTTL)
}

// Logout ends the session the caller's token belongs to.
func (s *Service) Logout(ctx context.Context, scope ports.Scope, sessionID string) error {
	return s.d.UnitOfWork.Do(ctx, scope, func(ctx context.Context) error {
		sess, err := s.d.Store.Session(ctx, sessionID)
		if err != nil {
			return err
		}
		if sess.RevokedAt != nil {
			return nil
		}
		return s.revoke(ctx, &sess, s.d.Clock.Now())
	})
}

// UserSessions lists a user's live sessions (their signed-in devices).
func (s *Service) UserSessions(ctx context.Context, tenantID, userID string) ([]Session, error) {
	var out []Session
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		out, err = s.d.Store.LiveSessions(ctx, KindUser, userID)
		return err
	})
	return out, err
}

// EndUserSession ends one of the user's own sessions; another user's session is not found.
func (s *Service) EndUserSession(ctx context.Context, tenantID, userID, sessionID string) error {
	if !ports.IsID(sessionID) {
		return ports.NotFound("session")
	}
	return s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		sess, err := s.d.Store.Session(ctx, sessionID)
		if err != nil {
			return err
		}
		if sess.SubjectKind != KindUser || sess.SubjectID != userID || sess.RevokedAt != nil {
			return ports.NotFound("session")
		}
		return s.revoke(ctx, &sess, s.d.Clock.Now())
	})
}

// Purge removes the tenant's sessions that ended more than Retention ago and returns how many.
func (s *Service) Purge(ctx context.Context, tenantID string) (int, error) {
	var n int
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		n, err = s.d.Store.PurgeSessions(ctx, s.d.Clock.Now().Add(-Retention))
		return err
	})
	return n, err
}
