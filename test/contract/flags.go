package contract

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/flag"
	"github.com/stvos/stvos/ports"
)

// Flags checks flag.Store: flags stored and read back exactly (variations of every type, rules),
// saved, listed in key order, deleted with their targets; segments with their context counts;
// contexts owned by a partner or by the client, added without repeats and removed by their owner
// only, searched per owner; the definitions evaluation loads; scheduled changes; and a
// cross-tenant section (B neither reads, lists, evaluates nor changes A's flags, segments or
// contexts).
func Flags(t *testing.T, env PartnerEnv, store flag.Store) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	newFlag := func(tenantID, key string) flag.Flag {
		return flag.Flag{TenantID: tenantID, Key: key, Type: flag.JSON, Description: "About " + key,
			Variations:       []flag.Variation{{Name: "a", Value: map[string]any{"n": 1.5, "s": "x", "l": []any{true, nil}}}, {Name: "b", Value: []any{}}},
			DefaultVariation: "a", OffVariation: "b", TargetVariation: "b", Rules: []flag.Rule{{Segment: "beta", Variation: "b"}},
			On: true, Version: 1, CreatedAt: now, UpdatedAt: now}
	}
	newSegment := func(tenantID, key string) flag.Segment {
		return flag.Segment{TenantID: tenantID, Key: key, Name: "Seg " + key, Version: 1, CreatedAt: now, UpdatedAt: now}
	}
	ctxs := func(keys ...string) []flag.Context {
		out := make([]flag.Context, len(keys))
		for i, k := range keys {
			out[i] = flag.Context{Kind: "user", Key: k}
		}
		return out
	}

	t.Run("flags and segments", func(t *testing.T) {
		a := env.New(t)
		f := newFlag(a, "checkout.v2")
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.CreateFlag(ctx, f))
			got, err := store.GetFlag(ctx, f.Key, true)
			require.NoError(t, err)
			require.Equal(t, f, got)
			f.On, f.Version, f.Description, f.Rules = false, 2, "", []flag.Rule{}
			f.Variations[1].Value = map[string]any{"k": "v"}
			require.NoError(t, store.SaveFlag(ctx, f))
			got, err = store.GetFlag(ctx, f.Key, false)
			require.NoError(t, err)
			require.Equal(t, f, got)
			_, err = store.GetFlag(ctx, "nope", false)
			require.ErrorIs(t, err, ports.ErrNotFound)
			for _, k := range []string{"b", "a", "c"} {
				require.NoError(t, store.CreateFlag(ctx, newFlag(a, k)))
			}
			fs, err := store.ListFlags(ctx, "a", 2)
			require.NoError(t, err)
			require.Len(t, fs, 2)
			require.Equal(t, []string{"b", "c"}, []string{fs[0].Key, fs[1].Key})

			s := newSegment(a, "beta")
			require.NoError(t, store.CreateSegment(ctx, s))
			n, err := store.AddMembers(ctx, "beta", "", ctxs("u1", "u2"))
			require.NoError(t, err)
			require.Equal(t, 2, n)
			n, err = store.AddMembers(ctx, "beta", "", ctxs("u2", "u3"))
			require.NoError(t, err)
			require.Equal(t, 1, n, "a context already included stays")
			s.Contexts = 3
			got2, err := store.GetSegment(ctx, "beta", true)
			require.NoError(t, err)
			require.Equal(t, s, got2)
			using, err := store.FlagsUsing(ctx, "beta")
			require.NoError(t, err)
			require.Equal(t, []string{"a", "b", "c"}, using)
			s.Name, s.Version = "Beta testers", 2
			require.NoError(t, store.SaveSegment(ctx, s))
			ss, err := store.ListSegments(ctx, "", 10)
			require.NoError(t, err)
			require.Equal(t, []flag.Segment{s}, ss)
			require.NoError(t, store.DeleteFlag(ctx, "c"))
			require.ErrorIs(t, store.DeleteFlag(ctx, "c"), ports.ErrNotFound)
			require.NoError(t, store.DeleteSegment(ctx, "beta"))
			_, err = store.GetSegment(ctx, "beta", false)
			require.ErrorIs(t, err, ports.ErrNotFound)
			return nil
		})
		require.ErrorIs(t, env.try(a, func(ctx context.Context) error { return store.CreateFlag(ctx, newFlag(a, "a")) }), ports.ErrConflict)
		s := newSegment(a, "gamma")
		env.in(t, a, func(ctx context.Context) error { return store.CreateSegment(ctx, s) })
		require.ErrorIs(t, env.try(a, func(ctx context.Context) error { return store.CreateSegment(ctx, s) }), ports.ErrConflict)
	})

	t.Run("owned contexts", func(t *testing.T) {
		a := env.New(t)
		p1, p2 := env.NewPartner(t, a), env.NewPartner(t, a)
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.CreateFlag(ctx, newFlag(a, "f")))
			require.NoError(t, store.CreateSegment(ctx, newSegment(a, "beta")))
			n, err := store.AddTargets(ctx, "f", p1, ctxs("ann", "bob"))
			require.NoError(t, err)
			require.Equal(t, 2, n)
			n, err = store.AddTargets(ctx, "f", p2, ctxs("ann"))
			require.NoError(t, err)
			require.Equal(t, 1, n, "another owner's same context is its own")
			n, err = store.AddTargets(ctx, "f", "", []flag.Context{{Kind: "device", Key: "tv-Ann"}})
			require.NoError(t, err)
			require.Equal(t, 1, n)
			_, err = store.AddMembers(ctx, "beta", p1, ctxs("cy", "ann"))
			require.NoError(t, err)

			n, err = store.RemoveTargets(ctx, "f", p2, ctxs("bob", "ann"))
			require.NoError(t, err)
			require.Equal(t, 1, n, "an owner removes only its own")

			found, err := store.SearchContexts(ctx, p1, "AN", "", 10)
			require.NoError(t, err)
			require.Equal(t, []flag.Owned{{Context: flag.Context{Kind: "user", Key: "ann"}, Flags: []string{"f"}, Segments: []string{"beta"}}}, found)
			found, err = store.SearchContexts(ctx, p1, "", "user", 2)
			require.NoError(t, err)
			require.Len(t, found, 2)
			require.Equal(t, []string{"ann", "bob"}, []string{found[0].Key, found[1].Key})
			found, err = store.SearchContexts(ctx, p2, "", "", 10)
			require.NoError(t, err)
			require.Empty(t, found, "p2 removed its only context")
			found, err = store.SearchContexts(ctx, "", "ann", "", 10)
			require.NoError(t, err)
			require.Equal(t, []flag.Owned{{Context: flag.Context{Kind: "device", Key: "tv-Ann"}, Flags: []string{"f"}, Segments: []string{}}}, found)

			d, err := store.Definitions(ctx)
			require.NoError(t, err)
			require.Len(t, d.Flags, 1)
			require.ElementsMatch(t, []flag.Target{{FlagKey: "f", Context: flag.Context{Kind: "user", Key: "ann"}, PartnerID: p1},
				{FlagKey: "f", Context: flag.Context{Kind: "user", Key: "bob"}, PartnerID: p1},
				{FlagKey: "f", Context: flag.Context{Kind: "device", Key: "tv-Ann"}}}, d.Targets)
			require.Len(t, d.Members, 2)

			n, err = store.ClearMembers(ctx, "beta", "")
			require.NoError(t, err)
			require.Zero(t, n, "clearing the client's own leaves the partner's")
			n, err = store.ClearMembers(ctx, "beta", p1)
			require.NoError(t, err)
			require.Equal(t, 2, n)
			require.NoError(t, store.DeleteFlag(ctx, "f"))
			d, err = store.Definitions(ctx)
			require.NoError(t, err)
			require.Empty(t, d.Targets, "targets go with their flag")
			return nil
		})
	})

	t.Run("schedules", func(t *testing.T) {
		a := env.New(t)
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.CreateFlag(ctx, newFlag(a, "f")))
			later := flag.Schedule{ID: ports.NewID(), TenantID: a, FlagKey: "f", Action: flag.TurnOff, RunAt: now.Add(time.Hour),
				Status: flag.Pending, CreatedBy: audit.Actor{Kind: "user", ID: "u1"}, CreatedAt: now}
			sooner := later
			sooner.ID, sooner.Action, sooner.Variation, sooner.RunAt = ports.NewID(), flag.SetDefault, "b", now.Add(time.Minute)
			require.NoError(t, store.CreateSchedule(ctx, later))
			require.NoError(t, store.CreateSchedule(ctx, sooner))
			got, err := store.GetSchedule(ctx, later.ID, true)
			require.NoError(t, err)
			require.Equal(t, later, got)
			done := now.Add(2 * time.Minute)
			sooner.Status, sooner.DoneAt, sooner.Detail = flag.Failed, &done, "why"
			require.NoError(t, store.SaveSchedule(ctx, sooner))
			list, err := store.ListSchedules(ctx, "f")
			require.NoError(t, err)
			require.Equal(t, []flag.Schedule{sooner, later}, list)
			_, err = store.GetSchedule(ctx, ports.NewID(), false)
			require.ErrorIs(t, err, ports.ErrNotFound)
			return nil
		})
	})

	t.Run("cross-tenant", func(t *testing.T) {
		a, b := env.New(t), env.New(t)
		pa := env.NewPartner(t, a)
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.CreateFlag(ctx, newFlag(a, "secret")))
			require.NoError(t, store.CreateSegment(ctx, newSegment(a, "beta")))
			_, err := store.AddTargets(ctx, "secret", pa, ctxs("ann"))
			require.NoError(t, err)
			_, err = store.AddMembers(ctx, "beta", "", ctxs("ann"))
			return err
		})
		env.in(t, b, func(ctx context.Context) error {
			_, err := store.GetFlag(ctx, "secret", true)
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = store.GetSegment(ctx, "beta", false)
			require.ErrorIs(t, err, ports.ErrNotFound)
			fs, err := store.ListFlags(ctx, "", 10)
			require.NoError(t, err)
			require.Empty(t, fs)
			ss, err := store.ListSegments(ctx, "", 10)
			require.NoError(t, err)
			require.Empty(t, ss)
			d, err := store.Definitions(ctx)
			require.NoError(t, err)
			require.Empty(t, d.Flags)
			require.Empty(t, d.Targets)
			require.Empty(t, d.Members)
			found, err := store.SearchContexts(ctx, pa, "", "", 10)
			require.NoError(t, err)
			require.Empty(t, found)
			require.ErrorIs(t, store.DeleteFlag(ctx, "secret"), ports.ErrNotFound)
			n, err := store.RemoveTargets(ctx, "secret", pa, ctxs("ann"))
			require.NoError(t, err)
			require.Zero(t, n)
			n, err = store.ClearMembers(ctx, "beta", "")
			require.NoError(t, err)
			require.Zero(t, n)
			return nil
		})
		err := env.try(b, func(ctx context.Context) error {
			_, err := store.AddTargets(ctx, "secret", "", ctxs("eve"))
			return err
		})
		require.Error(t, err, "B cannot target A's flag")
		err = env.try(b, func(ctx context.Context) error { return store.CreateFlag(ctx, newFlag(a, "planted")) })
		require.Error(t, err, "B cannot write a flag into A")
		env.in(t, a, func(ctx context.Context) error {
			d, err := store.Definitions(ctx)
			require.NoError(t, err)
			require.Len(t, d.Targets, 1)
			require.Len(t, d.Members, 1)
			return nil
		})
	})
}
