package contract

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// SigningKeyEnv is a fresh, empty ports.SigningKeyStore and the means to call it from inside
// units of work of the adapter's database.
type SigningKeyEnv struct {
	Store ports.SigningKeyStore
	// Do is the Do of the ports.UnitOfWork of the store's database (a store with none passes a
	// function that calls fn).
	Do func(ctx context.Context, scope ports.Scope, fn func(ctx context.Context) error) error
	// TenantID is a tenant of that database.
	TenantID string
}

// SigningKeys checks a ports.SigningKeyStore: keys are listed newest first with what was
// stored, a taken kid conflicts, retiring keeps one key and the first retirement time of the
// others, rotations at once leave exactly one key signing, keys retired over a day ago are left
// out, and every method works alike outside any unit of work and inside one of any scope,
// committing on its own. fresh returns an empty store.
func SigningKeys(t *testing.T, fresh func(t *testing.T) SigningKeyEnv) {
	now := time.Now().Truncate(time.Second)
	t.Run("add and list", func(t *testing.T) {
		t.Parallel()
		env, ctx := fresh(t), context.Background()
		k := signingKey(now.Add(-time.Hour))
		require.NoError(t, env.Store.Add(ctx, k))
		keys, err := env.Store.Keys(ctx)
		require.NoError(t, err)
		require.Equal(t, []ports.SigningKey{k}, keys, "every field comes back as stored")
	})
	t.Run("newest first", func(t *testing.T) {
		t.Parallel()
		env, ctx := fresh(t), context.Background()
		a, b, c := signingKey(now.Add(-3*time.Hour)), signingKey(now.Add(-time.Hour)), signingKey(now.Add(-2*time.Hour))
		tie := signingKey(now.Add(-time.Hour))
		for _, k := range []ports.SigningKey{a, b, c, tie} {
			require.NoError(t, env.Store.Add(ctx, k))
		}
		newer, older := b, tie // keys created in the same second are ordered by kid, greatest first
		if tie.KID > b.KID {
			newer, older = tie, b
		}
		require.Equal(t, []string{newer.KID, older.KID, c.KID, a.KID}, kids(t, env.Store))
	})
	t.Run("a taken kid conflicts", func(t *testing.T) {
		t.Parallel()
		env, ctx := fresh(t), context.Background()
		k := signingKey(now)
		require.NoError(t, env.Store.Add(ctx, k))
		again := k
		again.PrivatePEM = "another key"
		require.ErrorIs(t, env.Store.Add(ctx, again), ports.ErrConflict)
		keys, err := env.Store.Keys(ctx)
		require.NoError(t, err)
		require.Equal(t, []ports.SigningKey{k}, keys, "the first key stays as it was")
	})
	t.Run("retire all but one", func(t *testing.T) {
		t.Parallel()
		env, ctx := fresh(t), context.Background()
		a, b, c := signingKey(now.Add(-3*time.Hour)), signingKey(now.Add(-2*time.Hour)), signingKey(now.Add(-time.Hour))
		for _, k := range []ports.SigningKey{a, b, c} {
			require.NoError(t, env.Store.Add(ctx, k))
		}
		first, second := now.Add(-90*time.Minute).Unix(), now.Add(-30*time.Minute).Unix()
		require.NoError(t, env.Store.RetireAllBut(ctx, b.KID, first))
		d := signingKey(now)
		require.NoError(t, env.Store.Add(ctx, d))
		require.NoError(t, env.Store.RetireAllBut(ctx, d.KID, second))
		want := map[string]int64{d.KID: 0, c.KID: first, b.KID: second, a.KID: first}
		require.Equal(t, want, retired(t, env.Store), "a retired key keeps its first retirement time")
		require.NoError(t, env.Store.RetireAllBut(ctx, c.KID, second))
		require.Equal(t, want, retired(t, env.Store), "keeping a retired key changes nothing: another rotation won")
		err := env.Store.RetireAllBut(ctx, ports.NewID(), second)
		require.ErrorIs(t, err, ports.ErrNotFound, "keeping a key that is not stored")
	})
	t.Run("rotations at once leave one key", func(t *testing.T) {
		t.Parallel()
		env, ctx := fresh(t), context.Background()
		require.NoError(t, env.Store.Add(ctx, signingKey(now.Add(-time.Hour))))
		for round := range 5 { // two processes add a key each, then retire all but their own
			a, b := signingKey(now.Add(time.Duration(round)*time.Second)), signingKey(now.Add(time.Duration(round)*time.Second))
			require.NoError(t, env.Store.Add(ctx, a))
			require.NoError(t, env.Store.Add(ctx, b))
			errs := make(chan error, 2)
			for _, k := range []ports.SigningKey{a, b} {
				go func() { errs <- env.Store.RetireAllBut(ctx, k.KID, now.Unix()) }()
			}
			require.NoError(t, <-errs)
			require.NoError(t, <-errs)
			active := []string{}
			for kid, at := range retired(t, env.Store) {
				if at == 0 {
					active = append(active, kid)
				}
			}
			require.Len(t, active, 1, "exactly one key signs")
			require.Contains(t, []string{a.KID, b.KID}, active[0])
		}
	})
	t.Run("keys retired over a day ago are left out", func(t *testing.T) {
		t.Parallel()
		env, ctx := fresh(t), context.Background()
		gone, kept, keep := signingKey(now.Add(-72*time.Hour)), signingKey(now.Add(-48*time.Hour)), signingKey(now.Add(-2*time.Hour))
		require.NoError(t, env.Store.Add(ctx, gone))
		require.NoError(t, env.Store.Add(ctx, kept))
		require.NoError(t, env.Store.RetireAllBut(ctx, kept.KID, now.Add(-30*time.Hour).Unix()))
		require.NoError(t, env.Store.Add(ctx, keep))
		require.NoError(t, env.Store.RetireAllBut(ctx, keep.KID, now.Add(-time.Hour).Unix()))
		require.Equal(t, []string{keep.KID, kept.KID}, kids(t, env.Store))
	})
	t.Run("inside and outside units of work of any scope", func(t *testing.T) {
		t.Parallel()
		env := fresh(t)
		scopes := map[string]func(ctx context.Context, fn func(ctx context.Context) error) error{
			"no unit of work": func(ctx context.Context, fn func(ctx context.Context) error) error { return fn(ctx) },
			"platform": func(ctx context.Context, fn func(ctx context.Context) error) error {
				return env.Do(ctx, ports.PlatformScope(), fn)
			},
			"tenant": func(ctx context.Context, fn func(ctx context.Context) error) error {
				return env.Do(ctx, ports.TenantScope(env.TenantID), fn)
			},
		}
		var added []string
		for _, name := range []string{"no unit of work", "platform", "tenant"} {
			k := signingKey(now.Add(time.Duration(len(added)) * time.Second))
			require.NoError(t, scopes[name](context.Background(), func(ctx context.Context) error {
				require.NoError(t, env.Store.Add(ctx, k), name)
				require.NoError(t, env.Store.RetireAllBut(ctx, k.KID, now.Unix()), name)
				keys, err := env.Store.Keys(ctx)
				require.NoError(t, err, name)
				require.Equal(t, k.KID, keys[0].KID, name)
				return nil
			}), name)
			added = append([]string{k.KID}, added...)
		}
		require.Equal(t, added, kids(t, env.Store))

		// The store commits on its own: a key added in a unit of work that rolls back stays.
		boom := errors.New("the use case failed")
		for i, name := range []string{"platform", "tenant"} {
			k := signingKey(now.Add(time.Duration(i+1) * time.Minute))
			err := scopes[name](context.Background(), func(ctx context.Context) error {
				require.NoError(t, env.Store.Add(ctx, k), name)
				return boom
			})
			require.ErrorIs(t, err, boom, name)
			require.Equal(t, k.KID, kids(t, env.Store)[0], name)
		}
	})
}

// signingKey is a key as a signer would store it; the store keeps the PEM without reading it.
func signingKey(created time.Time) ports.SigningKey {
	return ports.SigningKey{KID: ports.NewID(), Algorithm: "RS256", PrivatePEM: "-----BEGIN PRIVATE KEY-----\n" + ports.NewID(),
		CreatedAt: created.Unix()}
}

func kids(t *testing.T, s ports.SigningKeyStore) []string {
	t.Helper()
	keys, err := s.Keys(context.Background())
	require.NoError(t, err)
	out := []string{}
	for _, k := range keys {
		out = append(out, k.KID)
	}
	return out
}

func retired(t *testing.T, s ports.SigningKeyStore) map[string]int64 {
	t.Helper()
	keys, err := s.Keys(context.Background())
	require.NoError(t, err)
	out := map[string]int64{}
	for _, k := range keys {
		out[k.KID] = k.RetiredAt
	}
	return out
}
