package contract

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/useradmin"
	"github.com/stvos/stvos/ports"
)

// UserStore is what one adapter implements for accounts and user administration.
type UserStore interface {
	account.Store
	useradmin.Store
}

// Users checks the user stores (account.Store and useradmin.Store): create and read back every
// field, emails unique per tenant but not across tenants, saves, filtered keyset listing, and a
// cross-tenant section (a user of tenant A is invisible and unchangeable from tenant B).
func Users(t *testing.T, env Tenants, store UserStore) {
	a, b := env.New(t), env.New(t)
	now := time.Now().UTC().Truncate(time.Microsecond)
	newUser := func(tenantID, email, name string, roles ...string) account.User {
		u := account.New(tenantID, email, "hash-of-"+email, name, append([]string{"subscriber"}, roles...), now)
		u.CountryCode, u.Phone = "GB", "+441234567890"
		u.NotificationPreferences = map[string]bool{"email": true}
		return u
	}
	create := func(t *testing.T, u account.User) account.User {
		env.in(t, u.TenantID, func(ctx context.Context) error { return store.CreateUser(ctx, u) })
		return u
	}

	t.Run("create and read back", func(t *testing.T) {
		u := create(t, newUser(a, "reader@example.com", "Reader"))
		env.in(t, a, func(ctx context.Context) error {
			for _, read := range []func() (account.User, error){
				func() (account.User, error) { return store.User(ctx, u.ID) },
				func() (account.User, error) { return store.ReadUser(ctx, u.ID) },
				func() (account.User, error) { return store.UserByEmail(ctx, u.Email) },
			} {
				got, err := read()
				require.NoError(t, err)
				require.Equal(t, u, got)
			}
			_, err := store.ReadUser(ctx, ports.NewID())
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = store.UserByEmail(ctx, "nobody@example.com")
			require.ErrorIs(t, err, ports.ErrNotFound)
			return nil
		})
	})
	t.Run("email unique per tenant only", func(t *testing.T) {
		create(t, newUser(a, "twice@example.com", "First"))
		err := env.try(a, func(ctx context.Context) error {
			return store.CreateUser(ctx, newUser(a, "twice@example.com", "Second"))
		})
		require.ErrorIs(t, err, ports.ErrConflict)
		create(t, newUser(b, "twice@example.com", "Other client"))
	})
	t.Run("save", func(t *testing.T) {
		u := create(t, newUser(a, "saver@example.com", "Before"))
		later := now.Add(time.Hour)
		u.DisplayName, u.Status, u.SuspensionReason, u.Roles = "After", account.UserSuspended, "abuse", []string{"subscriber", "admin"}
		u.LastLoginAt, u.UpdatedAt, u.Version = &later, later, u.Version+1
		u.NotificationPreferences = map[string]bool{"email": false, "push": true}
		env.in(t, a, func(ctx context.Context) error { return store.SaveUser(ctx, u) })
		env.in(t, a, func(ctx context.Context) error {
			got, err := store.ReadUser(ctx, u.ID)
			require.NoError(t, err)
			require.Equal(t, u, got)
			return nil
		})
	})
	t.Run("list with filters and keyset pages", func(t *testing.T) {
		c := env.New(t)
		var ids []string
		for i, email := range []string{"ann@list.test", "bob@list.test", "cat@list.test", "dan@list.test", "eve@list.test"} {
			u := newUser(c, email, "Lister "+email[:3])
			if i%2 == 1 {
				u.Status = account.UserSuspended
				u.Roles = []string{"subscriber", "admin"}
			}
			ids = append(ids, create(t, u).ID)
		}
		env.in(t, c, func(ctx context.Context) error {
			var seen []string
			after := ""
			for {
				page, err := store.ListUsers(ctx, useradmin.Filter{}, after, 2)
				require.NoError(t, err)
				require.LessOrEqual(t, len(page), 2)
				if len(page) == 0 {
					break
				}
				for _, u := range page {
					seen = append(seen, u.ID)
				}
				after = page[len(page)-1].ID
			}
			require.ElementsMatch(t, ids, seen, "every user once across pages")
			for i := 1; i < len(seen); i++ {
				require.Less(t, seen[i-1], seen[i], "pages are in id order")
			}
			suspended, err := store.ListUsers(ctx, useradmin.Filter{Status: string(account.UserSuspended)}, "", 10)
			require.NoError(t, err)
			require.Len(t, suspended, 2)
			admins, err := store.ListUsers(ctx, useradmin.Filter{Role: "admin"}, "", 10)
			require.NoError(t, err)
			require.Len(t, admins, 2)
			found, err := store.ListUsers(ctx, useradmin.Filter{Query: "cat@list"}, "", 10)
			require.NoError(t, err)
			require.Len(t, found, 1)
			require.Equal(t, "cat@list.test", found[0].Email)
			none, err := store.ListUsers(ctx, useradmin.Filter{CountryCode: "FR"}, "", 10)
			require.NoError(t, err)
			require.Empty(t, none)
			return nil
		})
	})
	t.Run("cross-tenant", func(t *testing.T) {
		u := create(t, newUser(a, "private@example.com", "Private"))
		env.in(t, b, func(ctx context.Context) error {
			_, err := store.User(ctx, u.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = store.ReadUser(ctx, u.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = store.UserByEmail(ctx, u.Email)
			require.ErrorIs(t, err, ports.ErrNotFound)
			all, err := store.ListUsers(ctx, useradmin.Filter{Query: "private"}, "", 100)
			require.NoError(t, err)
			require.Empty(t, all)
			return nil
		})
		changed := u
		changed.DisplayName, changed.Roles = "Taken over", []string{"admin"}
		err := env.try(b, func(ctx context.Context) error { return store.SaveUser(ctx, changed) })
		if err != nil {
			require.ErrorIs(t, err, ports.ErrNotFound)
		}
		err = env.try(b, func(ctx context.Context) error {
			return store.CreateUser(ctx, newUser(a, "planted@example.com", "Planted"))
		})
		require.ErrorIs(t, err, ports.ErrForbidden, "B cannot write a user into A")
		env.in(t, a, func(ctx context.Context) error {
			got, err := store.ReadUser(ctx, u.ID)
			require.NoError(t, err)
			require.Equal(t, u, got, "A's user is unchanged")
			_, err = store.UserByEmail(ctx, "planted@example.com")
			require.ErrorIs(t, err, ports.ErrNotFound)
			return nil
		})
	})
	t.Run("outside a unit of work", func(t *testing.T) {
		_, err := store.ReadUser(context.Background(), ports.NewID())
		require.ErrorIs(t, err, ports.ErrNoUnitOfWork)
	})
}
