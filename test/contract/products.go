package contract

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/product"
	"github.com/stvos/stvos/ports"
)

// Products checks product.Store: products stored and read back exactly (an absent price stays
// absent), saved, deleted; lists filtered by partner, status, type and search, in every sort with
// products without a price last, paged with the count; types of active products only; and a
// cross-tenant section (B neither reads, lists, counts, changes nor deletes A's products, nor
// writes one into A).
func Products(t *testing.T, env PartnerEnv, store product.Store) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	newProduct := func(tenantID, partnerID, name, price, status, typ string, order int, age time.Duration) product.Product {
		return product.Product{ID: ports.NewID(), TenantID: tenantID, PartnerID: partnerID, Name: name, Description: "About " + name,
			Image: "https://cdn.example.com/" + name, Price: price, Currency: "USD", ExternalURL: "https://shop.example.com/" + name,
			ProductType: typ, Status: status, SortOrder: order, CreatedAt: now.Add(-age), UpdatedAt: now.Add(-age)}
	}
	names := func(ps []product.Product) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}

	t.Run("create, get, save, delete", func(t *testing.T) {
		a := env.New(t)
		pid := env.NewPartner(t, a)
		p := newProduct(a, pid, "Mat", "45.50", product.StatusDraft, "Equipment", 0, 0)
		free := newProduct(a, pid, "Guide", "", product.StatusActive, "", 0, 0)
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.Create(ctx, p))
			require.NoError(t, store.Create(ctx, free))
			got, err := store.Get(ctx, p.ID, false)
			require.NoError(t, err)
			require.Equal(t, p, got)
			got, err = store.Get(ctx, free.ID, true)
			require.NoError(t, err)
			require.Equal(t, free, got, "no price stays no price")
			p.Name, p.Price, p.Featured, p.Status, p.UpdatedAt = "Yoga Mat", "9999999999.99", true, product.StatusActive, now.Add(time.Minute)
			require.NoError(t, store.Save(ctx, p))
			got, err = store.Get(ctx, p.ID, false)
			require.NoError(t, err)
			require.Equal(t, p, got, "large prices are exact")
			require.NoError(t, store.Delete(ctx, p.ID))
			_, err = store.Get(ctx, p.ID, false)
			require.ErrorIs(t, err, ports.ErrNotFound)
			return nil
		})
		err := env.try(a, func(ctx context.Context) error {
			return store.Create(ctx, newProduct(a, ports.NewID(), "Orphan", "", product.StatusDraft, "", 0, 0))
		})
		require.Error(t, err, "a product belongs to an existing partner")
	})
	t.Run("lists and types", func(t *testing.T) {
		a := env.New(t)
		p1, p2 := env.NewPartner(t, a), env.NewPartner(t, a)
		env.in(t, a, func(ctx context.Context) error {
			for _, p := range []product.Product{
				newProduct(a, p1, "Whey", "29.99", product.StatusActive, "Supplements", 3, 4*time.Hour),
				newProduct(a, p1, "Bands", "5.00", product.StatusActive, "Equipment", 1, 3*time.Hour),
				newProduct(a, p1, "Poster", "", product.StatusActive, "equipment", 2, 2*time.Hour),
				newProduct(a, p1, "Old shirt", "100.00", product.StatusArchived, "Apparel", 0, time.Hour),
				newProduct(a, p2, "Towel", "12.00", product.StatusDraft, "Equipment", 0, 0),
			} {
				require.NoError(t, store.Create(ctx, p))
			}
			list := func(f product.Filter, offset, limit int) ([]string, int) {
				ps, total, err := store.List(ctx, f, offset, limit)
				require.NoError(t, err)
				return names(ps), total
			}
			got, total := list(product.Filter{Sort: product.SortNewest}, 0, 10)
			require.Equal(t, []string{"Towel", "Old shirt", "Poster", "Bands", "Whey"}, got)
			require.Equal(t, 5, total)
			got, _ = list(product.Filter{PartnerID: p1, Sort: product.SortOldest}, 0, 10)
			require.Equal(t, []string{"Whey", "Bands", "Poster", "Old shirt"}, got)
			got, _ = list(product.Filter{PartnerID: p1, Sort: product.SortPriceAsc}, 0, 10)
			require.Equal(t, []string{"Bands", "Whey", "Old shirt", "Poster"}, got, "exact numeric order, no price last")
			got, _ = list(product.Filter{PartnerID: p1, Sort: product.SortPriceDesc}, 0, 10)
			require.Equal(t, []string{"Old shirt", "Whey", "Bands", "Poster"}, got)
			got, _ = list(product.Filter{Status: product.StatusActive, Sort: product.SortOrder}, 0, 10)
			require.Equal(t, []string{"Bands", "Poster", "Whey"}, got)
			got, total = list(product.Filter{ProductType: "EQUIPMENT", Sort: product.SortNewest}, 1, 1)
			require.Equal(t, []string{"Poster"}, got)
			require.Equal(t, 3, total)
			got, _ = list(product.Filter{Search: "about wh", Sort: product.SortNewest}, 0, 10)
			require.Equal(t, []string{"Whey"}, got, "descriptions are searched")
			got, _ = list(product.Filter{Search: "%", Sort: product.SortNewest}, 0, 10)
			require.Empty(t, got, "LIKE wildcards are literal")
			types, err := store.Types(ctx)
			require.NoError(t, err)
			require.Len(t, types, 2)
			require.True(t, strings.EqualFold("equipment", types[0].Name), types[0].Name)
			require.Equal(t, 2, types[0].Count, "Equipment and equipment are one type; drafts and archived do not count")
			require.Equal(t, product.Type{Name: "Supplements", Count: 1}, types[1])
			return nil
		})
	})
	t.Run("cross-tenant", func(t *testing.T) {
		a, b := env.New(t), env.New(t)
		pa := env.NewPartner(t, a)
		p := newProduct(a, pa, "Private", "1.00", product.StatusActive, "Secret", 0, 0)
		env.in(t, a, func(ctx context.Context) error { return store.Create(ctx, p) })
		env.in(t, b, func(ctx context.Context) error {
			_, err := store.Get(ctx, p.ID, false)
			require.ErrorIs(t, err, ports.ErrNotFound)
			ps, total, err := store.List(ctx, product.Filter{PartnerID: pa, Sort: product.SortNewest}, 0, 10)
			require.NoError(t, err)
			require.Empty(t, ps, "B lists none of A's products even naming A's partner")
			require.Zero(t, total)
			types, err := store.Types(ctx)
			require.NoError(t, err)
			require.Empty(t, types)
			changed := p
			changed.Name = "Stolen"
			require.NoError(t, store.Save(ctx, changed))
			return store.Delete(ctx, p.ID)
		})
		env.in(t, a, func(ctx context.Context) error {
			got, err := store.Get(ctx, p.ID, false)
			require.NoError(t, err)
			require.Equal(t, p, got, "B's save and delete touched nothing of A")
			return nil
		})
		err := env.try(b, func(ctx context.Context) error {
			return store.Create(ctx, newProduct(a, pa, "Planted", "", product.StatusActive, "", 0, 0))
		})
		require.Error(t, err, "B cannot write a product into A")
		err = env.try(b, func(ctx context.Context) error {
			return store.Create(ctx, newProduct(b, pa, "Borrowed", "", product.StatusActive, "", 0, 0))
		})
		require.Error(t, err, "nor hang one on A's partner")
	})
}
