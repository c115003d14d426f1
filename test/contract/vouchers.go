package contract

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/voucher"
	"github.com/stvos/stvos/ports"
)

// PartnerEnv is what the suites of partner data (vouchers, products) need besides the store: tenants,
// and partners and users in them (vouchers and products belong to partners; members are users).
type PartnerEnv struct {
	Tenants
	NewPartner func(t *testing.T, tenantID string) string
	NewUser    func(t *testing.T, tenantID string) string
}

// VoucherStore is what one adapter implements for vouchers.
type VoucherStore interface {
	voucher.Store
	voucher.Partners
}

// Vouchers checks a voucher.Store: codes inserted with taken ones skipped, listed newest first
// by the status they show (expired computed from the time given), searched, paged, streamed and
// counted; usable codes found; redemption spent once under concurrency; memberships recorded;
// and a cross-tenant section (A's codes are invisible from B, which can neither redeem nor
// revoke them, and the same code may exist in both).
func Vouchers(t *testing.T, env PartnerEnv, store VoucherStore) {
	a, b := env.New(t), env.New(t)
	now := time.Now().UTC().Truncate(time.Second)
	later, earlier := now.Add(time.Hour), now.Add(-time.Hour)
	batch := func(tenantID, partnerID string, exp *time.Time, codes ...string) []voucher.Voucher {
		vs := make([]voucher.Voucher, len(codes))
		for i, c := range codes {
			vs[i] = voucher.Voucher{TenantID: tenantID, PartnerID: partnerID, Code: c, Status: voucher.Active, ExpiresAt: exp,
				CreatedBy: "staff-1", CreatedAt: now}
		}
		return vs
	}
	create := func(t *testing.T, vs []voucher.Voucher) []voucher.Voucher {
		var out []voucher.Voucher
		env.in(t, vs[0].TenantID, func(ctx context.Context) (err error) {
			out, err = store.CreateVouchers(ctx, vs)
			return err
		})
		return out
	}

	t.Run("create skips taken codes", func(t *testing.T) {
		p := env.NewPartner(t, a)
		first := create(t, batch(a, p, &later, "SKIP-AAAAAA", "SKIP-BBBBBB"))
		require.Len(t, first, 2)
		require.NotEqual(t, first[0].ID, first[1].ID)
		require.Equal(t, voucher.Active, first[0].Status)
		require.Equal(t, later, *first[0].ExpiresAt)
		again := create(t, batch(a, p, nil, "SKIP-BBBBBB", "SKIP-CCCCCC"))
		require.Len(t, again, 1)
		require.Equal(t, "SKIP-CCCCCC", again[0].Code)
		require.Nil(t, again[0].ExpiresAt)
		env.in(t, a, func(ctx context.Context) error {
			got, err := store.Voucher(ctx, p, first[0].ID)
			require.NoError(t, err)
			require.Equal(t, first[0], got)
			_, err = store.Voucher(ctx, env.NewPartner(t, a), first[0].ID)
			require.ErrorIs(t, err, ports.ErrNotFound, "another partner's voucher")
			return nil
		})
	})
	t.Run("list, stream and count by shown status", func(t *testing.T) {
		p := env.NewPartner(t, a)
		create(t, batch(a, p, &later, "LIST-ACTIVE1", "LIST-ACTIVE2"))
		create(t, batch(a, p, &earlier, "LIST-EXPIRED"))
		create(t, batch(a, p, nil, "LIST-FOREVER"))
		rv := create(t, batch(a, p, &later, "LIST-REVOKED"))[0]
		user := env.NewUser(t, a)
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.RevokeVoucher(ctx, rv.ID, now))
			require.ErrorIs(t, store.RevokeVoucher(ctx, rv.ID, now), ports.ErrNotFound, "only an active code is revoked")
			_, err := store.RedeemVoucher(ctx, "LIST-ACTIVE2", user, now)
			return err
		})
		env.in(t, a, func(ctx context.Context) error {
			count := func(status string) int {
				vs, total, err := store.ListVouchers(ctx, p, voucher.Filter{Status: status}, now, 0, 100)
				require.NoError(t, err)
				require.Len(t, vs, total)
				for _, v := range vs {
					if status != "" {
						require.Equal(t, status, v.StatusAt(now), v.Code)
					}
				}
				return total
			}
			require.Equal(t, 5, count(""))
			require.Equal(t, 2, count(voucher.Active))
			require.Equal(t, 1, count(voucher.Expired))
			require.Equal(t, 1, count(voucher.Redeemed))
			require.Equal(t, 1, count(voucher.Revoked))
			vs, total, err := store.ListVouchers(ctx, p, voucher.Filter{}, now, 1, 2)
			require.NoError(t, err)
			require.Equal(t, 5, total)
			require.Len(t, vs, 2)
			require.Greater(t, vs[0].ID, vs[1].ID, "newest first")
			vs, _, err = store.ListVouchers(ctx, p, voucher.Filter{Search: "expir"}, now, 0, 10)
			require.NoError(t, err)
			require.Len(t, vs, 1)
			require.Equal(t, "LIST-EXPIRED", vs[0].Code)
			vs, _, err = store.ListVouchers(ctx, p, voucher.Filter{Search: "%"}, now, 0, 10)
			require.NoError(t, err)
			require.Empty(t, vs, "search is literal text")
			var streamed []string
			require.NoError(t, store.EachVoucher(ctx, p, voucher.Filter{Status: voucher.Active}, now, func(v voucher.Voucher) error {
				streamed = append(streamed, v.Code)
				return nil
			}))
			require.ElementsMatch(t, []string{"LIST-ACTIVE1", "LIST-FOREVER"}, streamed)
			st, err := store.VoucherStats(ctx, p, now)
			require.NoError(t, err)
			require.Equal(t, voucher.Stats{Total: 5, Active: 2, Redeemed: 1, Expired: 1, Revoked: 1}, st)
			st, err = store.VoucherStats(ctx, p, later.Add(time.Second))
			require.NoError(t, err)
			require.Equal(t, voucher.Stats{Total: 5, Active: 1, Redeemed: 1, Expired: 2, Revoked: 1}, st, "expiry shows as time passes")
			return nil
		})
	})
	t.Run("usable codes, redeemed once under concurrency, members", func(t *testing.T) {
		p := env.NewPartner(t, a)
		v := create(t, batch(a, p, &later, "RACE-AAAAAA"))[0]
		create(t, batch(a, p, &earlier, "RACE-OLDOLD"))
		env.in(t, a, func(ctx context.Context) error {
			got, err := store.UsableVoucher(ctx, "RACE-AAAAAA", now)
			require.NoError(t, err)
			require.Equal(t, v.ID, got.ID)
			_, err = store.UsableVoucher(ctx, "RACE-OLDOLD", now)
			require.ErrorIs(t, err, ports.ErrNotFound, "expired")
			name, err := store.PartnerName(ctx, p)
			require.NoError(t, err)
			require.NotEmpty(t, name)
			return nil
		})
		users := make([]string, 8)
		for i := range users {
			users[i] = env.NewUser(t, a)
		}
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			wins []string
		)
		for _, u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := env.try(a, func(ctx context.Context) error {
					got, err := store.RedeemVoucher(ctx, "RACE-AAAAAA", u, now)
					if err != nil {
						return err
					}
					return store.AddMember(ctx, voucher.Member{TenantID: a, PartnerID: got.PartnerID, UserID: u, VoucherID: got.ID, JoinedAt: now})
				})
				if err == nil {
					mu.Lock()
					wins = append(wins, u)
					mu.Unlock()
				} else {
					assert.ErrorIs(t, err, ports.ErrNotFound)
				}
			}()
		}
		wg.Wait()
		require.Len(t, wins, 1, "one redemption of eight")
		env.in(t, a, func(ctx context.Context) error {
			got, err := store.Voucher(ctx, p, v.ID)
			require.NoError(t, err)
			require.Equal(t, voucher.Redeemed, got.Status)
			require.Equal(t, wins[0], got.RedeemedBy)
			_, err = store.UsableVoucher(ctx, "RACE-AAAAAA", now)
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = store.RedeemVoucher(ctx, "RACE-OLDOLD", users[0], now)
			require.ErrorIs(t, err, ports.ErrNotFound, "an expired code is not redeemed")
			return nil
		})
		err := env.try(a, func(ctx context.Context) error {
			return store.AddMember(ctx, voucher.Member{TenantID: a, PartnerID: p, UserID: wins[0], VoucherID: v.ID, JoinedAt: now})
		})
		require.ErrorIs(t, err, ports.ErrConflict, "a user is a member once")
	})
	t.Run("cross-tenant", func(t *testing.T) {
		pa, pb := env.NewPartner(t, a), env.NewPartner(t, b)
		v := create(t, batch(a, pa, &later, "SAME-CODE01"))[0]
		require.Len(t, create(t, batch(b, pb, &later, "SAME-CODE01")), 1, "codes are unique per client only")
		userB := env.NewUser(t, b)
		env.in(t, b, func(ctx context.Context) error {
			_, err := store.Voucher(ctx, pa, v.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			require.ErrorIs(t, store.RevokeVoucher(ctx, v.ID, now), ports.ErrNotFound)
			vs, total, err := store.ListVouchers(ctx, pa, voucher.Filter{}, now, 0, 10)
			require.NoError(t, err)
			require.Empty(t, vs)
			require.Zero(t, total)
			st, err := store.VoucherStats(ctx, pa, now)
			require.NoError(t, err)
			require.Zero(t, st.Total)
			_, err = store.PartnerName(ctx, pa)
			require.ErrorIs(t, err, ports.ErrNotFound)
			got, err := store.RedeemVoucher(ctx, "SAME-CODE01", userB, now)
			require.NoError(t, err)
			require.Equal(t, pb, got.PartnerID, "B redeems its own code, never A's")
			return nil
		})
		err := env.try(b, func(ctx context.Context) error {
			_, err := store.CreateVouchers(ctx, batch(a, pa, nil, "PLANTED-1"))
			return err
		})
		require.Error(t, err, "B cannot write a code into A")
		env.in(t, a, func(ctx context.Context) error {
			got, err := store.Voucher(ctx, pa, v.ID)
			require.NoError(t, err)
			require.Equal(t, voucher.Active, got.Status, "A's code is untouched")
			return nil
		})
	})
}
