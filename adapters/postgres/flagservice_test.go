package postgres_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/flag"
	"github.com/stvos/stvos/ports"
)

// oneStore hands every client the PostgreSQL flag store.
type oneStore struct{}

func (oneStore) For(context.Context, string) (flag.Store, error) { return postgres.FlagStore{}, nil }

// announcements records flag announcements.
type announcements struct{ tenants []string }

func (a *announcements) Announce(_ context.Context, tenantID string) {
	a.tenants = append(a.tenants, tenantID)
}

// TestFlagServiceScopesContextsByPartner runs the partner use cases of the enterprise flag routes
// (targeting add/remove, segment contexts add/remove, contexts search, evaluate) over PostgreSQL:
// a partner sees and removes only its own contexts, any owner's target evaluates, bad input is
// refused with field and reason, and every change is announced after it commits.
func TestFlagServiceScopesContextsByPartner(t *testing.T) {
	t.Parallel()
	env := partnerEnv(t)
	a := env.New(t)
	p1, p2 := env.NewPartner(t, a), env.NewPartner(t, a)
	ann := &announcements{}
	svc := flag.NewService(flag.Deps{UnitOfWork: env.UnitOfWork, Stores: oneStore{}, Audit: postgres.AuditStore{}, Changes: ann,
		Clock: ports.SystemClock{}})
	ctx := context.Background()
	admin := audit.Actor{Kind: "user", ID: ports.NewID()}
	_, err := svc.CreateSegment(ctx, a, admin, flag.SegmentInput{Key: "beta", Name: "Beta"})
	require.NoError(t, err)
	_, err = svc.CreateFlag(ctx, a, admin, flag.FlagInput{Key: "checkout", Type: flag.String, DefaultVariation: "old",
		OffVariation: "old", TargetVariation: "new", On: true, Rules: []flag.Rule{{Segment: "beta", Variation: "beta"}},
		Variations: []flag.Variation{{Name: "old", Value: "v1"}, {Name: "new", Value: "v2"}, {Name: "beta", Value: "v3"}}})
	require.NoError(t, err)
	one := flag.Owner{PartnerID: p1, By: audit.Actor{Kind: "partner_token", ID: "tok-1"}}
	two := flag.Owner{PartnerID: p2, By: audit.Actor{Kind: "partner_token", ID: "tok-2"}}
	users := func(keys ...string) []flag.Context {
		out := make([]flag.Context, len(keys))
		for i, k := range keys {
			out[i] = flag.Context{Key: k} // kind user by default
		}
		return out
	}

	n, err := svc.AddTargets(ctx, a, one, "checkout", users("ann", "bob", "ann"))
	require.NoError(t, err)
	require.Equal(t, 2, n, "repeats count once")
	n, err = svc.AddMembers(ctx, a, two, "beta", users("cy"))
	require.NoError(t, err)
	require.Equal(t, 1, n)
	for key, want := range map[string]string{"ann": "v2", "cy": "v3", "dee": "v1"} {
		r, err := svc.Evaluate(ctx, a, "checkout", flag.Context{Key: key})
		require.NoError(t, err)
		require.Equal(t, want, r.Value, key)
	}

	found, err := svc.SearchContexts(ctx, a, p1, "", "", 0)
	require.NoError(t, err)
	require.Len(t, found, 2)
	found, err = svc.SearchContexts(ctx, a, p2, "", "user", 50)
	require.NoError(t, err)
	require.Equal(t, []flag.Owned{{Context: flag.Context{Kind: "user", Key: "cy"}, Flags: []string{}, Segments: []string{"beta"}}}, found,
		"a partner sees only its own contexts")
	n, err = svc.RemoveTargets(ctx, a, two, "checkout", users("ann"))
	require.NoError(t, err)
	require.Zero(t, n, "another partner's target stays")
	r, err := svc.Evaluate(ctx, a, "checkout", flag.Context{Key: "ann"})
	require.NoError(t, err)
	require.Equal(t, "v2", r.Value)
	n, err = svc.RemoveTargets(ctx, a, one, "checkout", users("ann"))
	require.NoError(t, err)
	require.Equal(t, 1, n)
	r, err = svc.Evaluate(ctx, a, "checkout", flag.Context{Key: "ann"})
	require.NoError(t, err)
	require.Equal(t, "v1", r.Value, "the announcement dropped this process's snapshot")

	// Refusals: field and reason, never a store error.
	for _, c := range []struct {
		err   error
		field string
	}{
		{func() error { _, err := svc.AddTargets(ctx, a, one, "checkout", nil); return err }(), "contexts"},
		{func() error {
			_, err := svc.AddTargets(ctx, a, one, "checkout", []flag.Context{{Key: "", Kind: "user"}})
			return err
		}(), "contexts[0].key"},
		{func() error {
			_, err := svc.AddMembers(ctx, a, one, "beta", []flag.Context{{Key: "x", Kind: "Bad Kind"}})
			return err
		}(), "contexts[0].kind"},
		{func() error { _, err := svc.SearchContexts(ctx, a, p1, "", "", 51); return err }(), "limit"},
		{func() error { _, err := svc.SearchContexts(ctx, a, p1, "", "No!", 5); return err }(), "kind"},
	} {
		e := ports.AsError(c.err)
		require.NotNil(t, e, c.field)
		require.Equal(t, ports.ErrInvalid, e.Kind, c.field)
		require.Equal(t, c.field, e.Fields[0].Field)
	}
	_, err = svc.AddTargets(ctx, a, one, "nope", users("ann"))
	require.ErrorIs(t, err, ports.ErrNotFound)
	_, err = svc.Evaluate(ctx, a, "nope", flag.Context{Key: "ann"})
	require.ErrorIs(t, err, flag.ErrFlagNotFound)
	_, err = svc.Evaluate(ctx, a, "checkout", flag.Context{})
	require.ErrorIs(t, err, flag.ErrTargetingKeyMissing)

	// Another client's partner reaches none of it.
	b := env.New(t)
	_, err = svc.AddTargets(ctx, b, flag.Owner{PartnerID: env.NewPartner(t, b)}, "checkout", users("eve"))
	require.ErrorIs(t, err, ports.ErrNotFound)
	found, err = svc.SearchContexts(ctx, b, p1, "", "", 10)
	require.NoError(t, err)
	require.Empty(t, found)
	require.Contains(t, ann.tenants, a)
}
