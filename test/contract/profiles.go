package contract

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/catalog"
	"github.com/stvos/stvos/core/profile"
	"github.com/stvos/stvos/ports"
)

// Profiles checks profile.Store (with catalog.Store's ViewerLimits, which reads profiles): every
// field read back exactly, the primary first then creation order, one primary per account, a
// profile reached only through its own account (another account's is not found, unchanged and
// undeleted); the master PIN set, replaced, read and removed per account; profile.Service over the store keeping an account within its limit when 10
// creations (and, on a fresh account, 10 first listings) run at once, since LockOwner
// serializes them; and a cross-tenant section (B neither reads nor changes A's profiles).
func Profiles(t *testing.T, env PartnerEnv, store profile.Store, audits audit.Store, cat catalog.Store) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	newProfile := func(tenantID, userID, name string, primary bool) profile.Profile {
		return profile.Profile{ID: ports.NewID(), TenantID: tenantID, UserID: userID, Name: name, ContentRatingLimit: "TV-MA",
			Language: "en-US", AutoplayNextEpisode: true, IsPrimary: primary, CreatedAt: now, UpdatedAt: now}
	}
	code := func(err error) string {
		if e := ports.AsError(err); e != nil {
			return e.Code
		}
		return ""
	}
	service := func(limits profile.Limits) *profile.Service {
		return profile.NewService(profile.Deps{UnitOfWork: env.UnitOfWork, Store: store, Limits: limits, Audit: audits,
			Clock: ports.SystemClock{}})
	}

	t.Run("create, read back, list, save, delete", func(t *testing.T) {
		a := env.New(t)
		u, other := env.NewUser(t, a), env.NewUser(t, a)
		primary := newProfile(a, u, "Member", true)
		kid := newProfile(a, u, "Kid", false)
		kid.AvatarPresetID, kid.PINHash, kid.ContentRatingLimit, kid.Language = ports.NewID(), "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA", "TV-Y", "pt-BR"
		kid.IsKids, kid.AutoplayNextEpisode = true, false
		kid.AllowedClassIDs = []string{ports.NewID(), ports.NewID()}
		env.in(t, a, func(ctx context.Context) error {
			o, err := store.LockOwner(ctx, u)
			require.NoError(t, err)
			require.Equal(t, "Member", o.DisplayName)
			require.Equal(t, "en-US", o.Locale)
			require.NotEmpty(t, o.Email)
			require.NotEmpty(t, o.PasswordHash, "the password confirms master PIN changes")
			require.Empty(t, o.MasterPINHash)
			_, err = store.LockOwner(ctx, ports.NewID())
			require.ErrorIs(t, err, ports.ErrNotFound)
			ps, err := store.List(ctx, u)
			require.NoError(t, err)
			require.Empty(t, ps)
			require.NotNil(t, ps, "an empty list, not nil")
			require.NoError(t, store.Create(ctx, kid))
			require.NoError(t, store.Create(ctx, primary))
			return nil
		})
		third := newProfile(a, u, "Third", false)
		env.in(t, a, func(ctx context.Context) error { return store.Create(ctx, third) })
		env.in(t, a, func(ctx context.Context) error {
			got, err := store.Get(ctx, u, kid.ID, false)
			require.NoError(t, err)
			require.Equal(t, kid, got, "every field read back exactly")
			ps, err := store.List(ctx, u)
			require.NoError(t, err)
			require.Equal(t, []profile.Profile{primary, kid, third}, ps, "the primary first, then in creation order")
			ps, err = store.List(ctx, other)
			require.NoError(t, err)
			require.Empty(t, ps, "another account's profiles are not listed")
			_, err = store.Get(ctx, other, kid.ID, false)
			require.ErrorIs(t, err, ports.ErrNotFound, "another account's profile is not found")
			_, err = store.Get(ctx, u, ports.NewID(), true)
			require.ErrorIs(t, err, ports.ErrNotFound)
			limit, ids, err := cat.ViewerLimits(ctx, catalog.Viewer{UserID: u, ProfileID: kid.ID})
			require.NoError(t, err)
			require.Equal(t, "TV-Y", limit)
			require.Equal(t, kid.AllowedClassIDs, ids)
			_, ids, err = cat.ViewerLimits(ctx, catalog.Viewer{UserID: u, ProfileID: primary.ID})
			require.NoError(t, err)
			require.Nil(t, ids, "no chosen titles: nil, not empty")
			_, _, err = cat.ViewerLimits(ctx, catalog.Viewer{UserID: other, ProfileID: kid.ID})
			require.ErrorIs(t, err, ports.ErrNotFound, "a viewer is another account's profile only through that account")
			unknown, err := store.UnknownClasses(ctx, kid.AllowedClassIDs)
			require.NoError(t, err)
			require.Equal(t, kid.AllowedClassIDs, unknown, "ids of no class are unknown, in their order")
			return nil
		})
		err := env.try(a, func(ctx context.Context) error { return store.Create(ctx, newProfile(a, u, "Second primary", true)) })
		require.Equal(t, "PRIMARY_PROFILE_EXISTS", code(err), "one primary per account: %v", err)
		err = env.try(a, func(ctx context.Context) error {
			return store.Create(ctx, newProfile(a, ports.NewID(), "Orphan", false))
		})
		require.ErrorIs(t, err, ports.ErrNotFound, "a profile belongs to an account of the client")

		changed := kid
		changed.Name, changed.AvatarPresetID, changed.PINHash, changed.ContentRatingLimit = "Big kid", "", "", "PG-13"
		changed.IsKids, changed.AutoplayNextEpisode, changed.UpdatedAt = false, true, now.Add(time.Minute)
		changed.AllowedClassIDs = nil
		env.in(t, a, func(ctx context.Context) error {
			stranger := changed
			stranger.UserID, stranger.Name = other, "Stolen"
			require.ErrorIs(t, store.Save(ctx, stranger), ports.ErrNotFound, "another account's profile is not changed")
			require.NoError(t, store.Save(ctx, changed))
			got, err := store.Get(ctx, u, kid.ID, true)
			require.NoError(t, err)
			require.Equal(t, changed, got)
			require.ErrorIs(t, store.Delete(ctx, other, kid.ID), ports.ErrNotFound, "nor deleted")
			require.NoError(t, store.Delete(ctx, u, kid.ID))
			require.ErrorIs(t, store.Delete(ctx, u, kid.ID), ports.ErrNotFound)
			ps, err := store.List(ctx, u)
			require.NoError(t, err)
			require.Equal(t, []profile.Profile{primary, third}, ps)
			return nil
		})
	})
	t.Run("master PIN", func(t *testing.T) {
		a := env.New(t)
		u, other := env.NewUser(t, a), env.NewUser(t, a)
		pin := func(ctx context.Context, user string) string {
			h, err := store.MasterPIN(ctx, user)
			require.NoError(t, err)
			return h
		}
		env.in(t, a, func(ctx context.Context) error {
			require.Empty(t, pin(ctx, u))
			require.NoError(t, store.SaveMasterPIN(ctx, u, "hash-1", now))
			require.NoError(t, store.SaveMasterPIN(ctx, u, "hash-2", now.Add(time.Second)))
			require.Equal(t, "hash-2", pin(ctx, u), "a second save replaces the first")
			require.Empty(t, pin(ctx, other), "another account has none")
			o, err := store.LockOwner(ctx, u)
			require.NoError(t, err)
			require.Equal(t, "hash-2", o.MasterPINHash)
			return nil
		})
		b := env.New(t)
		env.in(t, b, func(ctx context.Context) error {
			require.Empty(t, pin(ctx, u), "another client does not read it")
			require.NoError(t, store.SaveMasterPIN(ctx, u, "", now), "nor remove it")
			return nil
		})
		err := env.try(b, func(ctx context.Context) error { return store.SaveMasterPIN(ctx, u, "planted", now) })
		require.Error(t, err, "nor set one for an account it does not have")
		env.in(t, a, func(ctx context.Context) error {
			require.Equal(t, "hash-2", pin(ctx, u))
			require.NoError(t, store.SaveMasterPIN(ctx, u, "", now))
			require.Empty(t, pin(ctx, u), "removed")
			return nil
		})
	})
	t.Run("10 concurrent creations stay within the limit", func(t *testing.T) {
		a := env.New(t)
		u := env.NewUser(t, a)
		// The limit answers slowly, so without the account's lock every creation would count the
		// profiles before any other inserted one.
		svc := service(slowLimit{n: 4, delay: 30 * time.Millisecond})
		by := audit.Actor{Kind: "user", ID: u}
		primary, err := svc.List(context.Background(), a, by)
		require.NoError(t, err)
		require.Len(t, primary, 1, "the first listing makes the primary profile")
		errs := make([]error, 10)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = svc.Create(context.Background(), a, by, profile.Input{Name: "Racer"}, profile.Unlock{})
			}()
		}
		close(start)
		wg.Wait()
		created := 0
		for _, err := range errs {
			if err == nil {
				created++
				continue
			}
			require.Equal(t, "PROFILE_LIMIT_REACHED", code(err), "%v", err)
		}
		require.Equal(t, 3, created, "the primary and 3 more make the limit of 4")
		ps, err := svc.List(context.Background(), a, by)
		require.NoError(t, err)
		require.Len(t, ps, 4)
		require.Equal(t, primary[0], ps[0])
		require.Equal(t, "Member", ps[0].Name, "named after the account")
		for _, p := range ps[1:] {
			require.False(t, p.IsPrimary)
		}
		_, err = svc.Create(context.Background(), a, by, profile.Input{Name: "One too many"}, profile.Unlock{})
		require.ErrorIs(t, err, ports.ErrConflict)
	})
	t.Run("10 concurrent first listings make one primary", func(t *testing.T) {
		a := env.New(t)
		u := env.NewUser(t, a)
		svc := service(profile.FixedLimit(5))
		by := audit.Actor{Kind: "user", ID: u}
		lists := make([][]profile.Profile, 10)
		errs := make([]error, 10)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range lists {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				lists[i], errs[i] = svc.List(context.Background(), a, by)
			}()
		}
		close(start)
		wg.Wait()
		for i, ps := range lists {
			require.NoError(t, errs[i])
			require.Len(t, ps, 1)
			require.Equal(t, lists[0][0], ps[0], "every listing sees the one primary profile")
		}
		env.in(t, a, func(ctx context.Context) error {
			rs, err := audits.List(ctx, a, audit.Filter{Action: "profile.created"}, "", 20)
			require.NoError(t, err)
			require.Len(t, rs, 1, "made once, recorded once")
			return nil
		})
	})
	t.Run("cross-tenant", func(t *testing.T) {
		a, b := env.New(t), env.New(t)
		userA, userB := env.NewUser(t, a), env.NewUser(t, b)
		p := newProfile(a, userA, "Member", true)
		env.in(t, a, func(ctx context.Context) error { return store.Create(ctx, p) })
		env.in(t, b, func(ctx context.Context) error {
			_, err := store.LockOwner(ctx, userA)
			require.ErrorIs(t, err, ports.ErrNotFound, "B does not find A's account")
			ps, err := store.List(ctx, userA)
			require.NoError(t, err)
			require.Empty(t, ps, "B lists none of A's profiles")
			_, err = store.Get(ctx, userA, p.ID, true)
			require.ErrorIs(t, err, ports.ErrNotFound)
			stolen := p
			stolen.Name = "Stolen"
			require.ErrorIs(t, store.Save(ctx, stolen), ports.ErrNotFound)
			require.ErrorIs(t, store.Delete(ctx, userA, p.ID), ports.ErrNotFound)
			_, _, err = cat.ViewerLimits(ctx, catalog.Viewer{UserID: userA, ProfileID: p.ID})
			require.ErrorIs(t, err, ports.ErrNotFound)
			return nil
		})
		err := env.try(b, func(ctx context.Context) error { return store.Create(ctx, newProfile(a, userA, "Planted", false)) })
		require.Error(t, err, "B cannot write a profile into A")
		err = env.try(b, func(ctx context.Context) error { return store.Create(ctx, newProfile(b, userA, "Planted", false)) })
		require.ErrorIs(t, err, ports.ErrNotFound, "nor give A's account a profile in B")
		env.in(t, b, func(ctx context.Context) error { return store.Create(ctx, newProfile(b, userB, "Member", true)) })
		env.in(t, a, func(ctx context.Context) error {
			got, err := store.Get(ctx, userA, p.ID, false)
			require.NoError(t, err)
			require.Equal(t, p, got, "B changed nothing of A")
			ps, err := store.List(ctx, userA)
			require.NoError(t, err)
			require.Len(t, ps, 1)
			return nil
		})
	})
}

// slowLimit answers a fixed limit after a delay, widening the window between counting an
// account's profiles and inserting one.
type slowLimit struct {
	n     int
	delay time.Duration
}

func (l slowLimit) MaxProfiles(context.Context, string, string) (int, error) {
	time.Sleep(l.delay)
	return l.n, nil
}
