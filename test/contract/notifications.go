package contract

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/notification"
	"github.com/stvos/stvos/ports"
)

// Notifications checks notification.Store: notifications stored and read back exactly (every
// field; no body, URL or key stay so), listed newest first (id order) page by page, unread only
// when asked, neither expired nor deleted ones listed, counted or changed; a key deduplicating per
// user (10 concurrent creations with one key insert one), even after the notification was deleted,
// until it is purged; read marks that keep the first read time, unread again, all read at once;
// trimming to the newest; the purge of expired rows; an unknown user refused; and a cross-tenant
// section (B neither lists, counts, marks, deletes, purges nor writes A's notifications).
func Notifications(t *testing.T, env PartnerEnv, store notification.Store) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	newNote := func(tenantID, userID string) notification.Notification {
		return notification.Notification{ID: ports.NewID(), TenantID: tenantID, UserID: userID, Type: notification.TypeRenewalUpcoming,
			Priority: notification.PriorityNormal, Title: "Your plan renews soon", Body: "On June 1, for 9.99 USD.",
			ActionURL: "https://app.example.com/billing", ExpiresAt: now.Add(time.Hour), CreatedAt: now}
	}
	create := func(t *testing.T, ns ...notification.Notification) {
		env.in(t, ns[0].TenantID, func(ctx context.Context) error {
			for _, n := range ns {
				ok, err := store.Create(ctx, n)
				require.NoError(t, err)
				require.True(t, ok)
			}
			return nil
		})
	}
	list := func(t *testing.T, tenantID, userID string, unread bool, at time.Time, before string, limit int) []notification.Notification {
		var out []notification.Notification
		env.in(t, tenantID, func(ctx context.Context) (err error) {
			out, err = store.List(ctx, userID, unread, at, before, limit)
			return err
		})
		return out
	}
	count := func(t *testing.T, tenantID, userID string, at time.Time) int {
		var n int
		env.in(t, tenantID, func(ctx context.Context) (err error) {
			n, err = store.CountUnread(ctx, userID, at)
			return err
		})
		return n
	}
	ids := func(ns []notification.Notification) []string {
		out := []string{}
		for _, n := range ns {
			out = append(out, n.ID)
		}
		return out
	}
	newestFirst := func(ns ...notification.Notification) []string {
		out := ids(ns)
		slices.SortFunc(out, func(a, b string) int { return strings.Compare(b, a) })
		return out
	}

	t.Run("create and list exactly, newest first, by page", func(t *testing.T) {
		a := env.New(t)
		u := env.NewUser(t, a)
		full := newNote(a, u)
		full.Key = "renewal:2026-06"
		bare := newNote(a, u)
		bare.Type, bare.Priority, bare.Body, bare.ActionURL = notification.TypeMarketing, notification.PriorityLow, "", ""
		read := newNote(a, u)
		readAt := now.Add(-time.Minute)
		read.ReadAt = &readAt
		create(t, full, bare, read)
		got := list(t, a, u, false, now, "", 10)
		require.Equal(t, newestFirst(full, bare, read), ids(got))
		byID := map[string]notification.Notification{}
		for _, n := range got {
			byID[n.ID] = n
		}
		for _, want := range []notification.Notification{full, bare, read} {
			require.Equal(t, want, byID[want.ID], "every field read back exactly")
		}
		require.Equal(t, 2, count(t, a, u, now))

		var more []notification.Notification
		for range 7 {
			more = append(more, newNote(a, u))
		}
		create(t, more...)
		all := newestFirst(append(more, full, bare, read)...)
		var paged []string
		before := ""
		for {
			page := list(t, a, u, false, now, before, 4)
			require.LessOrEqual(t, len(page), 4)
			if len(page) == 0 {
				break
			}
			paged = append(paged, ids(page)...)
			before = page[len(page)-1].ID
		}
		require.Equal(t, all, paged, "pages follow one another without gap or repeat")
		unread := list(t, a, u, true, now, "", 100)
		require.Len(t, unread, 9)
		require.NotContains(t, ids(unread), read.ID, "unread only")
		require.Equal(t, 9, count(t, a, u, now))
		require.Empty(t, list(t, a, env.NewUser(t, a), false, now, "", 100), "another user's list is their own")
	})

	t.Run("expired ones are gone, then purged", func(t *testing.T) {
		a := env.New(t)
		u := env.NewUser(t, a)
		soon, later := newNote(a, u), newNote(a, u)
		soon.ExpiresAt = now.Add(time.Minute)
		later.ExpiresAt = now.Add(2 * time.Hour)
		create(t, soon, later)
		after := now.Add(time.Minute)
		require.Equal(t, []string{later.ID}, ids(list(t, a, u, false, after, "", 10)), "expired at its expiry")
		require.Equal(t, 1, count(t, a, u, after))
		err := env.try(a, func(ctx context.Context) error {
			_, err := store.SetRead(ctx, u, soon.ID, &after, after)
			return err
		})
		require.ErrorIs(t, err, ports.ErrNotFound, "an expired notification cannot be marked")
		require.ErrorIs(t, env.try(a, func(ctx context.Context) error { return store.Delete(ctx, u, soon.ID, after) }), ports.ErrNotFound)
		env.in(t, a, func(ctx context.Context) error {
			n, err := store.MarkAllRead(ctx, u, after)
			require.NoError(t, err)
			require.Equal(t, 1, n, "only the live one")
			n, err = store.Purge(ctx, after)
			require.NoError(t, err)
			require.Equal(t, 1, n, "the expired one is removed")
			n, err = store.Purge(ctx, after)
			require.NoError(t, err)
			require.Zero(t, n)
			return nil
		})
		require.Equal(t, []string{later.ID}, ids(list(t, a, u, false, now, "", 10)), "even seen from before its expiry, it is gone")
	})

	t.Run("read marks", func(t *testing.T) {
		a := env.New(t)
		u, other := env.NewUser(t, a), env.NewUser(t, a)
		n := newNote(a, u)
		create(t, n)
		first, second := now.Add(time.Second), now.Add(2*time.Second)
		env.in(t, a, func(ctx context.Context) error {
			got, err := store.SetRead(ctx, u, n.ID, &first, first)
			require.NoError(t, err)
			require.Equal(t, first, *got.ReadAt)
			want := n
			want.ReadAt = &first
			require.Equal(t, want, got, "answered as it is now")
			got, err = store.SetRead(ctx, u, n.ID, &second, second)
			require.NoError(t, err)
			require.Equal(t, first, *got.ReadAt, "read twice keeps the first read time")
			got, err = store.SetRead(ctx, u, n.ID, nil, second)
			require.NoError(t, err)
			require.Nil(t, got.ReadAt, "unread again")
			got, err = store.SetRead(ctx, u, n.ID, nil, second)
			require.NoError(t, err)
			require.Equal(t, n, got, "unread twice changes nothing")
			_, err = store.SetRead(ctx, other, n.ID, &second, second)
			require.ErrorIs(t, err, ports.ErrNotFound, "another user's notification")
			_, err = store.SetRead(ctx, u, ports.NewID(), &second, second)
			require.ErrorIs(t, err, ports.ErrNotFound)
			return nil
		})
		more := []notification.Notification{newNote(a, u), newNote(a, u), newNote(a, other)}
		create(t, more...)
		env.in(t, a, func(ctx context.Context) error {
			n, err := store.MarkAllRead(ctx, u, second)
			require.NoError(t, err)
			require.Equal(t, 3, n)
			n, err = store.MarkAllRead(ctx, u, second)
			require.NoError(t, err)
			require.Zero(t, n, "nothing left unread")
			return nil
		})
		require.Zero(t, count(t, a, u, second))
		for _, x := range list(t, a, u, false, second, "", 10) {
			require.Equal(t, second, *x.ReadAt)
		}
		require.Equal(t, 1, count(t, a, other, second), "another user's stay unread")
	})

	t.Run("keys deduplicate, even after delete, until purged", func(t *testing.T) {
		a := env.New(t)
		u, other := env.NewUser(t, a), env.NewUser(t, a)
		keyed, plain := newNote(a, u), newNote(a, u)
		keyed.Key = "payment_failed:inv-1:1"
		create(t, keyed, plain)
		twin := newNote(a, u)
		twin.Key = keyed.Key
		env.in(t, a, func(ctx context.Context) error {
			ok, err := store.Create(ctx, twin)
			require.NoError(t, err)
			require.False(t, ok, "the key is taken")
			theirs := twin
			theirs.ID, theirs.UserID = ports.NewID(), other
			ok, err = store.Create(ctx, theirs)
			require.NoError(t, err)
			require.True(t, ok, "keys are per user")
			unkeyed := newNote(a, u)
			ok, err = store.Create(ctx, unkeyed)
			require.NoError(t, err)
			require.True(t, ok, "no key never collides")

			require.NoError(t, store.Delete(ctx, u, keyed.ID, now))
			require.NoError(t, store.Delete(ctx, u, plain.ID, now))
			require.ErrorIs(t, store.Delete(ctx, u, keyed.ID, now), ports.ErrNotFound, "deleted once")
			require.ErrorIs(t, store.Delete(ctx, other, unkeyed.ID, now), ports.ErrNotFound, "another user's")
			_, err = store.SetRead(ctx, u, keyed.ID, &now, now)
			require.ErrorIs(t, err, ports.ErrNotFound, "a deleted notification cannot be marked")
			twin.ID = ports.NewID()
			ok, err = store.Create(ctx, twin)
			require.NoError(t, err)
			require.False(t, ok, "a deleted notification's key still deduplicates")
			return nil
		})
		require.NotContains(t, ids(list(t, a, u, false, now, "", 10)), keyed.ID)
		require.Equal(t, 1, count(t, a, u, now), "only the unkeyed one left")
		env.in(t, a, func(ctx context.Context) error {
			n, err := store.Purge(ctx, keyed.ExpiresAt)
			require.NoError(t, err)
			require.Equal(t, 3, n, "the tombstone and the two live ones, expired")
			twin.ID = ports.NewID()
			twin.ExpiresAt = keyed.ExpiresAt.Add(time.Hour)
			ok, err := store.Create(ctx, twin)
			require.NoError(t, err)
			require.True(t, ok, "once purged, the key is free")
			return nil
		})
	})

	t.Run("10 concurrent creations with one key insert one", func(t *testing.T) {
		a := env.New(t)
		u := env.NewUser(t, a)
		won, errs := make([]bool, 10), make([]error, 10)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range won {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				n := newNote(a, u)
				n.Key = "export:1"
				errs[i] = env.try(a, func(ctx context.Context) (err error) {
					won[i], err = store.Create(ctx, n)
					return err
				})
			}()
		}
		close(start)
		wg.Wait()
		inserted := 0
		for i := range won {
			require.NoError(t, errs[i])
			if won[i] {
				inserted++
			}
		}
		require.Equal(t, 1, inserted, "exactly one insert")
		require.Len(t, list(t, a, u, false, now, "", 100), 1)
	})

	t.Run("trim keeps the newest", func(t *testing.T) {
		a := env.New(t)
		u, other := env.NewUser(t, a), env.NewUser(t, a)
		var ns []notification.Notification
		for range 6 {
			ns = append(ns, newNote(a, u))
		}
		create(t, ns...)
		create(t, newNote(a, other), newNote(a, other))
		env.in(t, a, func(ctx context.Context) error {
			n, err := store.Trim(ctx, u, 4)
			require.NoError(t, err)
			require.Equal(t, 2, n)
			n, err = store.Trim(ctx, u, 4)
			require.NoError(t, err)
			require.Zero(t, n)
			n, err = store.Trim(ctx, ports.NewID(), 4)
			require.NoError(t, err)
			require.Zero(t, n, "a user without notifications")
			return nil
		})
		require.Equal(t, newestFirst(ns...)[:4], ids(list(t, a, u, false, now, "", 10)))
		require.Len(t, list(t, a, other, false, now, "", 10), 2, "another user's are not trimmed")
	})

	t.Run("unknown user", func(t *testing.T) {
		a := env.New(t)
		err := env.try(a, func(ctx context.Context) error {
			_, err := store.Create(ctx, newNote(a, ports.NewID()))
			return err
		})
		require.ErrorIs(t, err, ports.ErrNotFound)
	})

	t.Run("cross-tenant", func(t *testing.T) {
		a, b := env.New(t), env.New(t)
		userA, userB := env.NewUser(t, a), env.NewUser(t, b)
		n := newNote(a, userA)
		n.Key = "k"
		old := newNote(a, userA)
		old.ExpiresAt = now.Add(-time.Second)
		create(t, n, old)
		later := now.Add(time.Minute)
		env.in(t, b, func(ctx context.Context) error {
			got, err := store.List(ctx, userA, false, now, "", 10)
			require.NoError(t, err)
			require.Empty(t, got, "B lists none of A's")
			c, err := store.CountUnread(ctx, userA, now)
			require.NoError(t, err)
			require.Zero(t, c)
			_, err = store.SetRead(ctx, userA, n.ID, &later, later)
			require.ErrorIs(t, err, ports.ErrNotFound)
			require.ErrorIs(t, store.Delete(ctx, userA, n.ID, later), ports.ErrNotFound)
			c, err = store.MarkAllRead(ctx, userA, later)
			require.NoError(t, err)
			require.Zero(t, c)
			c, err = store.Purge(ctx, later)
			require.NoError(t, err)
			require.Zero(t, c, "B's purge removes none of A's expired rows")
			c, err = store.Trim(ctx, userA, 1)
			require.NoError(t, err)
			require.Zero(t, c)
			ok, err := store.Create(ctx, newNote(b, userB))
			require.NoError(t, err)
			require.True(t, ok, "B's own user")
			return nil
		})
		err := env.try(b, func(ctx context.Context) error {
			_, err := store.Create(ctx, newNote(a, userA))
			return err
		})
		require.Error(t, err, "B cannot write into A")
		err = env.try(b, func(ctx context.Context) error {
			_, err := store.Create(ctx, newNote(b, userA))
			return err
		})
		require.ErrorIs(t, err, ports.ErrNotFound, "nor notify A's user as its own")
		require.Equal(t, []string{n.ID}, ids(list(t, a, userA, false, now, "", 10)))
		require.Equal(t, 1, count(t, a, userA, now), "unread: B's marks touched nothing")
		env.in(t, a, func(ctx context.Context) error {
			c, err := store.Purge(ctx, now)
			require.NoError(t, err)
			require.Equal(t, 1, c, "A's expired row was left for A's purge")
			return nil
		})
	})
}
