package contract

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/core/plan"
	"github.com/stvos/stvos/ports"
)

// Plans checks plan.Store: plans stored and read back exactly (every field, an unlimited download
// count stays unlimited, the largest prices and every currency exponent exact), saved, missing
// ones not found; lists in id order, paged by the cursor, all or active only; and a cross-tenant
// section (B neither reads, lists nor changes A's plans, nor writes one into A).
func Plans(t *testing.T, env Tenants, store plan.Store) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	count := func(n int) *int { return &n }
	newPlan := func(tenantID, name string, active bool) plan.Plan {
		return plan.Plan{ID: ports.NewID(), TenantID: tenantID, Name: name, Description: "About " + name,
			Price: money.Amount{Minor: 999, Digits: 2, Currency: "USD"}, IsActive: active, CreatedAt: now, UpdatedAt: now, Version: 1,
			Terms: plan.Terms{BillingCycle: plan.CycleMonthly, MaxProfiles: 2, MaxConcurrentStreams: 3, MaxDevices: 4,
				MaxQuality: plan.QualityFHD, HasDownloads: true, AllowDownloadCount: count(5), HasAds: true, HasHDR: true, TrialDays: 7}}
	}
	ids := func(ps []plan.Plan) []string {
		out := []string{}
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}

	t.Run("create, get, save", func(t *testing.T) {
		a := env.New(t)
		p := newPlan(a, "Standard HD", true)
		free := newPlan(a, "Free with ads", false)
		free.Price, free.HasDownloads, free.AllowDownloadCount, free.HasHDR, free.TrialDays =
			money.Amount{Minor: 0, Digits: 0, Currency: "JPY"}, false, nil, false, 0
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.Create(ctx, p))
			require.NoError(t, store.Create(ctx, free))
			got, err := store.Get(ctx, p.ID, false)
			require.NoError(t, err)
			require.Equal(t, p, got)
			got, err = store.Get(ctx, free.ID, true)
			require.NoError(t, err)
			require.Equal(t, free, got, "an unlimited download count stays unlimited")

			p.Name, p.Description, p.BillingCycle, p.MaxQuality = "Premium", "", plan.CycleSemiAnnual, plan.QualityUHD8K
			p.Price = money.Amount{Minor: 99_999_999_999_999, Digits: 4, Currency: "CLF"}
			p.MaxProfiles, p.MaxConcurrentStreams, p.MaxDevices, p.AllowDownloadCount = 6, 8, 20, nil
			p.HasAds, p.HasDolbyAtmos, p.TrialDays, p.IsActive = false, true, 3650, false
			p.UpdatedAt, p.Version = now.Add(time.Minute), 2
			require.NoError(t, store.Save(ctx, p))
			got, err = store.Get(ctx, p.ID, false)
			require.NoError(t, err)
			require.Equal(t, p, got, "every field is saved; the largest price is exact")

			_, err = store.Get(ctx, ports.NewID(), false)
			require.ErrorIs(t, err, ports.ErrNotFound)
			return nil
		})
	})
	t.Run("lists", func(t *testing.T) {
		a := env.New(t)
		var all, active []string
		env.in(t, a, func(ctx context.Context) error {
			for i, name := range []string{"Basic", "Standard", "Premium", "Legacy", "Family"} {
				p := newPlan(a, name, i != 3)
				require.NoError(t, store.Create(ctx, p))
				all = append(all, p.ID)
				if p.IsActive {
					active = append(active, p.ID)
				}
			}
			return nil
		})
		slices.Sort(all)
		slices.Sort(active)
		env.in(t, a, func(ctx context.Context) error {
			list := func(activeOnly bool, after string, limit int) []string {
				ps, err := store.List(ctx, activeOnly, after, limit)
				require.NoError(t, err)
				return ids(ps)
			}
			require.Equal(t, all, list(false, "", 10), "every plan, in id order")
			require.Equal(t, active, list(true, "", 10), "active plans only")
			require.Equal(t, all[:2], list(false, "", 2))
			require.Equal(t, all[2:4], list(false, all[1], 2), "the page after the cursor")
			require.Equal(t, all[4:], list(false, all[3], 2))
			require.Empty(t, list(false, all[4], 2))
			require.Equal(t, active[1:], list(true, active[0], 10))
			return nil
		})
	})
	t.Run("cross-tenant", func(t *testing.T) {
		a, b := env.New(t), env.New(t)
		p := newPlan(a, "Private", true)
		env.in(t, a, func(ctx context.Context) error { return store.Create(ctx, p) })
		env.in(t, b, func(ctx context.Context) error {
			_, err := store.Get(ctx, p.ID, false)
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = store.Get(ctx, p.ID, true)
			require.ErrorIs(t, err, ports.ErrNotFound)
			for _, activeOnly := range []bool{false, true} {
				ps, err := store.List(ctx, activeOnly, "", 10)
				require.NoError(t, err)
				require.Empty(t, ps, "B lists none of A's plans")
			}
			changed := p
			changed.Name, changed.IsActive = "Stolen", false
			return store.Save(ctx, changed)
		})
		env.in(t, a, func(ctx context.Context) error {
			got, err := store.Get(ctx, p.ID, false)
			require.NoError(t, err)
			require.Equal(t, p, got, "B's save touched nothing of A")
			return nil
		})
		err := env.try(b, func(ctx context.Context) error { return store.Create(ctx, newPlan(a, "Planted", true)) })
		require.Error(t, err, "B cannot write a plan into A")
	})
}
