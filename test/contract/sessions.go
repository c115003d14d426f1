package contract

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/operator"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// Sessions checks a session.Store: sessions of tenant principals in their tenant's unit of work
// and of operators in the platform's, read back whole, rotated and revoked by save, listed live
// newest first, revoked in bulk but one, purged once ended; and a cross-tenant section (a
// session of tenant A is invisible and unchangeable from tenant B, and tenant and operator
// sessions never mix). Operators are made through operators, since operator sessions need one.
func Sessions(t *testing.T, env Tenants, store session.Store, operators operator.Store) {
	a, b := env.New(t), env.New(t)
	now := time.Now().UTC().Truncate(time.Microsecond)
	newSession := func(tenantID, kind, subject string, age time.Duration) session.Session {
		return session.Session{ID: ports.NewID(), TenantID: tenantID, SubjectKind: kind, SubjectID: subject,
			RefreshHash: session.HashSecret(ports.NewID()), Device: "Pixel", Address: "192.0.2.1",
			CreatedAt: now.Add(-age), LastUsedAt: now.Add(-age), ExpiresAt: now.Add(time.Hour - age)}
	}
	create := func(t *testing.T, s session.Session) session.Session {
		env.in(t, s.TenantID, func(ctx context.Context) error { return store.CreateSession(ctx, s) })
		return s
	}
	read := func(t *testing.T, tenantID, id string) (session.Session, error) {
		var got session.Session
		err := env.try(tenantID, func(ctx context.Context) (err error) {
			got, err = store.Session(ctx, id)
			return err
		})
		return got, err
	}

	t.Run("create, read, rotate and revoke", func(t *testing.T) {
		s := create(t, newSession(a, session.KindUser, ports.NewID(), 0))
		got, err := read(t, a, s.ID)
		require.NoError(t, err)
		require.Equal(t, s, got)
		s.PreviousHash, s.RefreshHash, s.LastUsedAt = s.RefreshHash, session.HashSecret(ports.NewID()), now.Add(time.Minute)
		env.in(t, a, func(ctx context.Context) error { return store.SaveSession(ctx, s) })
		got, err = read(t, a, s.ID)
		require.NoError(t, err)
		require.Equal(t, s, got, "rotated")
		revoked := now.Add(2 * time.Minute)
		s.RevokedAt = &revoked
		env.in(t, a, func(ctx context.Context) error { return store.SaveSession(ctx, s) })
		got, err = read(t, a, s.ID)
		require.NoError(t, err)
		require.Equal(t, s, got, "revoked")
		_, err = read(t, a, ports.NewID())
		require.ErrorIs(t, err, ports.ErrNotFound)
	})
	t.Run("partner staff sessions keep their partner", func(t *testing.T) {
		s := newSession(a, session.KindPartnerStaff, ports.NewID(), 0)
		s.PartnerID = ports.NewID()
		env.in(t, a, func(ctx context.Context) error { return store.CreateSession(ctx, s) })
		got, err := read(t, a, s.ID)
		require.NoError(t, err)
		require.Equal(t, s.PartnerID, got.PartnerID)
	})
	t.Run("live sessions, newest first; revoke all but one", func(t *testing.T) {
		user := ports.NewID()
		older := create(t, newSession(a, session.KindUser, user, 2*time.Minute))
		newer := create(t, newSession(a, session.KindUser, user, time.Minute))
		kept := create(t, newSession(a, session.KindUser, user, 0))
		create(t, newSession(a, session.KindUser, user, 2*time.Hour)) // expired an hour ago
		create(t, newSession(a, session.KindUser, ports.NewID(), 0))  // someone else's
		env.in(t, a, func(ctx context.Context) error {
			live, err := store.LiveSessions(ctx, session.KindUser, user)
			require.NoError(t, err)
			require.Len(t, live, 3)
			require.ElementsMatch(t, []string{older.ID, newer.ID, kept.ID}, []string{live[0].ID, live[1].ID, live[2].ID})
			for i := 1; i < len(live); i++ {
				require.Greater(t, live[i-1].ID, live[i].ID, "newest first (ids are time-ordered)")
			}
			ids, err := store.RevokeSessions(ctx, session.KindUser, user, kept.ID)
			require.NoError(t, err)
			require.ElementsMatch(t, []string{older.ID, newer.ID}, ids)
			live, err = store.LiveSessions(ctx, session.KindUser, user)
			require.NoError(t, err)
			require.Len(t, live, 1)
			require.Equal(t, kept.ID, live[0].ID)
			ids, err = store.RevokeSessions(ctx, session.KindUser, user, "")
			require.NoError(t, err)
			require.Equal(t, []string{kept.ID}, ids)
			return nil
		})
	})
	t.Run("purge ended sessions", func(t *testing.T) {
		c := env.New(t)
		ended := create(t, newSession(c, session.KindUser, ports.NewID(), 3*time.Hour))
		live := create(t, newSession(c, session.KindUser, ports.NewID(), 0))
		env.in(t, c, func(ctx context.Context) error {
			n, err := store.PurgeSessions(ctx, now.Add(-time.Hour))
			require.NoError(t, err)
			require.Equal(t, 1, n)
			return nil
		})
		_, err := read(t, c, ended.ID)
		require.ErrorIs(t, err, ports.ErrNotFound)
		_, err = read(t, c, live.ID)
		require.NoError(t, err)
	})
	t.Run("operator sessions live in the platform scope", func(t *testing.T) {
		op := operator.Operator{ID: ports.NewID(), Email: ports.NewID() + "@ops.test", Name: "Op", PasswordHash: "h", CreatedAt: now}
		s := newSession("", session.KindOperator, op.ID, 0)
		env.platform(t, func(ctx context.Context) error {
			require.NoError(t, operators.CreateOperator(ctx, op))
			require.NoError(t, store.CreateSession(ctx, s))
			got, err := store.Session(ctx, s.ID)
			require.NoError(t, err)
			require.Equal(t, s, got)
			live, err := store.LiveSessions(ctx, session.KindOperator, op.ID)
			require.NoError(t, err)
			require.Len(t, live, 1)
			return nil
		})
		_, err := read(t, a, s.ID)
		require.ErrorIs(t, err, ports.ErrNotFound, "a tenant does not see operator sessions")
	})
	t.Run("cross-tenant", func(t *testing.T) {
		user := ports.NewID()
		s := create(t, newSession(a, session.KindUser, user, 0))
		_, err := read(t, b, s.ID)
		require.ErrorIs(t, err, ports.ErrNotFound)
		env.in(t, b, func(ctx context.Context) error {
			live, err := store.LiveSessions(ctx, session.KindUser, user)
			require.NoError(t, err)
			require.Empty(t, live)
			ids, err := store.RevokeSessions(ctx, session.KindUser, user, "")
			require.NoError(t, err)
			require.Empty(t, ids, "B cannot revoke A's sessions")
			n, err := store.PurgeSessions(ctx, now.Add(time.Hour*24))
			require.NoError(t, err)
			require.Zero(t, n, "B's purge never reaches A")
			return nil
		})
		stolen := s
		revoked := now
		stolen.RevokedAt, stolen.RefreshHash = &revoked, session.HashSecret("attacker")
		if err := env.try(b, func(ctx context.Context) error { return store.SaveSession(ctx, stolen) }); err != nil {
			require.ErrorIs(t, err, ports.ErrNotFound)
		}
		err = env.try(b, func(ctx context.Context) error {
			return store.CreateSession(ctx, newSession(a, session.KindUser, user, 0))
		})
		require.ErrorIs(t, err, ports.ErrForbidden, "B cannot write a session into A")
		got, err := read(t, a, s.ID)
		require.NoError(t, err)
		require.Equal(t, s, got, "A's session is unchanged")
		env.platform(t, func(ctx context.Context) error {
			_, err := store.Session(ctx, s.ID)
			require.ErrorIs(t, err, ports.ErrNotFound, "the platform scope sees operator sessions only")
			return nil
		})
	})
}
