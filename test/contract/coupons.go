package contract

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/coupon"
	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/ports"
)

// Coupons checks coupon.Store: coupons stored and read back exactly (every field; no limit and no
// expiry stay so), found by code whatever its case, a code taken twice refused, saved, deleted
// only while never redeemed; lists in id order, paged, by status at a given time; redemptions
// counted per user, within max_redemptions_per_user, and within max_redemptions under
// concurrency (20 redemptions of a coupon good for 5 record exactly 5); and a cross-tenant
// section (B neither reads, finds, lists, changes, deletes nor redeems A's coupons).
func Coupons(t *testing.T, env PartnerEnv, store coupon.Store) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	limit := func(n int) *int { return &n }
	at := func(d time.Duration) *time.Time { u := now.Add(d); return &u }
	newCoupon := func(tenantID, code string) coupon.Coupon {
		return coupon.Coupon{ID: ports.NewID(), TenantID: tenantID, Code: code, Description: "About " + code,
			Type: coupon.TypePercent, Value: money.Amount{Minor: 1250, Digits: 2}, PlanIDs: []string{},
			MaxRedemptions: limit(100), MaxRedemptionsPerUser: 1, ValidFrom: now.Add(-time.Hour), ValidUntil: at(time.Hour),
			CreatedAt: now, UpdatedAt: now, Version: 1}
	}
	ids := func(cs []coupon.Coupon) []string {
		out := []string{}
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	redeem := func(ctx context.Context, couponID, userID string) error {
		return store.Redeem(ctx, coupon.Redemption{ID: ports.NewID(), CouponID: couponID, UserID: userID, At: now})
	}
	code := func(err error) string {
		if e := ports.AsError(err); e != nil {
			return e.Code
		}
		return ""
	}

	t.Run("create, get, find, save", func(t *testing.T) {
		a := env.New(t)
		c := newCoupon(a, "SPRING-25")
		fixed := newCoupon(a, "FIVE_OFF")
		fixed.Type, fixed.Value = coupon.TypeFixedAmount, money.Amount{Minor: 99_999_999_999_999, Digits: 4, Currency: "CLF"}
		fixed.PlanIDs, fixed.MaxRedemptions, fixed.ValidUntil, fixed.MaxRedemptionsPerUser = []string{ports.NewID(), ports.NewID()}, nil, nil, 3
		trial := newCoupon(a, "TRIAL30")
		trial.Type, trial.Value, trial.Disabled = coupon.TypeFreeTrialDays, money.Amount{Minor: 30}, true
		env.in(t, a, func(ctx context.Context) error {
			for _, x := range []coupon.Coupon{c, fixed, trial} {
				require.NoError(t, store.Create(ctx, x))
				got, err := store.Get(ctx, x.ID, false)
				require.NoError(t, err)
				require.Equal(t, x, got, "every field read back exactly")
			}
			got, err := store.GetByCode(ctx, "five_off")
			require.NoError(t, err)
			require.Equal(t, fixed, got, "found by code whatever its case")
			_, err = store.GetByCode(ctx, "NOPE")
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = store.Get(ctx, ports.NewID(), true)
			require.ErrorIs(t, err, ports.ErrNotFound)

			changed := c
			changed.Description, changed.MaxRedemptions, changed.ValidUntil, changed.Disabled = "", nil, nil, true
			changed.UpdatedAt, changed.Version = now.Add(time.Minute), 2
			changed.Code, changed.Value = "OTHER", money.Amount{Minor: 10000, Digits: 2}
			require.NoError(t, store.Save(ctx, changed))
			got, err = store.Get(ctx, c.ID, false)
			require.NoError(t, err)
			want := changed
			want.Code, want.Value = c.Code, c.Value
			require.Equal(t, want, got, "what an admin may change is saved; code and value are not")
			return nil
		})
		err := env.try(a, func(ctx context.Context) error { return store.Create(ctx, newCoupon(a, "SPRING-25")) })
		require.ErrorIs(t, err, ports.ErrConflict)
		require.Equal(t, "COUPON_CODE_TAKEN", code(err))
	})
	t.Run("lists", func(t *testing.T) {
		a := env.New(t)
		var all, active, expired, disabled []string
		env.in(t, a, func(ctx context.Context) error {
			for i, name := range []string{"A1", "A2", "E1", "D1", "A3", "E2"} {
				c := newCoupon(a, name)
				switch name[0] {
				case 'A':
					if i == 4 {
						c.ValidUntil = nil
					}
					active = append(active, c.ID)
				case 'E':
					c.ValidUntil = at(-time.Minute)
					expired = append(expired, c.ID)
				case 'D':
					c.Disabled, c.ValidUntil = true, at(-time.Minute)
					disabled = append(disabled, c.ID)
				}
				require.NoError(t, store.Create(ctx, c))
				all = append(all, c.ID)
			}
			return nil
		})
		for _, s := range [][]string{all, active, expired, disabled} {
			slices.Sort(s)
		}
		env.in(t, a, func(ctx context.Context) error {
			list := func(status, after string, n int) []string {
				cs, err := store.List(ctx, status, now, after, n)
				require.NoError(t, err)
				return ids(cs)
			}
			require.Equal(t, all, list("", "", 10), "every coupon, in id order")
			require.Equal(t, active, list(coupon.StatusActive, "", 10))
			require.Equal(t, expired, list(coupon.StatusExpired, "", 10), "past valid_until and not disabled")
			require.Equal(t, disabled, list(coupon.StatusDisabled, "", 10), "disabled wins over expired")
			require.Equal(t, all[:2], list("", "", 2))
			require.Equal(t, all[2:4], list("", all[1], 2), "the page after the cursor")
			require.Empty(t, list("", all[5], 2))
			require.Equal(t, active[1:], list(coupon.StatusActive, active[0], 10))
			cs, err := store.List(ctx, coupon.StatusActive, now.Add(2*time.Hour), "", 10)
			require.NoError(t, err)
			require.Len(t, cs, 1, "statuses are computed at the time given")
			return nil
		})
	})
	t.Run("redemptions and delete", func(t *testing.T) {
		a := env.New(t)
		u1, u2, u3 := env.NewUser(t, a), env.NewUser(t, a), env.NewUser(t, a)
		c := newCoupon(a, "TWICE")
		c.MaxRedemptions, c.MaxRedemptionsPerUser = limit(3), 2
		unused := newCoupon(a, "UNUSED")
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.Create(ctx, c))
			require.NoError(t, store.Create(ctx, unused))
			require.NoError(t, redeem(ctx, c.ID, u1))
			require.NoError(t, redeem(ctx, c.ID, u1))
			err := redeem(ctx, c.ID, u1)
			require.ErrorIs(t, err, ports.ErrConflict)
			require.Equal(t, "COUPON_ALREADY_REDEEMED", code(err), "at most max_redemptions_per_user per user")
			return nil
		})
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, redeem(ctx, c.ID, u2))
			err := redeem(ctx, c.ID, u3)
			require.Equal(t, "COUPON_EXHAUSTED", code(err), "at most max_redemptions overall")
			for user, want := range map[string]int{u1: 2, u2: 1, u3: 0} {
				n, err := store.UserRedemptions(ctx, c.ID, user)
				require.NoError(t, err)
				require.Equal(t, want, n)
			}
			got, err := store.Get(ctx, c.ID, false)
			require.NoError(t, err)
			require.Equal(t, 3, got.RedemptionCount)
			require.ErrorIs(t, redeem(ctx, ports.NewID(), u1), ports.ErrNotFound)
			return nil
		})
		err := env.try(a, func(ctx context.Context) error { return store.Delete(ctx, c.ID) })
		require.Equal(t, "COUPON_REDEEMED", code(err), "a redeemed coupon stays")
		env.in(t, a, func(ctx context.Context) error {
			_, err := store.Get(ctx, c.ID, false)
			require.NoError(t, err)
			require.NoError(t, store.Delete(ctx, unused.ID))
			_, err = store.Get(ctx, unused.ID, false)
			require.ErrorIs(t, err, ports.ErrNotFound)
			require.ErrorIs(t, store.Delete(ctx, unused.ID), ports.ErrNotFound)
			return nil
		})
	})
	t.Run("concurrent redemptions stay within max_redemptions", func(t *testing.T) {
		a := env.New(t)
		c := newCoupon(a, "FIRST-FIVE")
		c.MaxRedemptions = limit(5)
		env.in(t, a, func(ctx context.Context) error { return store.Create(ctx, c) })
		users := make([]string, 20)
		for i := range users {
			users[i] = env.NewUser(t, a)
		}
		errs := make([]error, len(users))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = env.try(a, func(ctx context.Context) error { return redeem(ctx, c.ID, u) })
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			require.Equal(t, "COUPON_EXHAUSTED", code(err), "%v", err)
		}
		require.Equal(t, 5, ok, "exactly max_redemptions succeed")
		env.in(t, a, func(ctx context.Context) error {
			got, err := store.Get(ctx, c.ID, false)
			require.NoError(t, err)
			require.Equal(t, 5, got.RedemptionCount)
			return nil
		})
	})
	t.Run("cross-tenant", func(t *testing.T) {
		a, b := env.New(t), env.New(t)
		c := newCoupon(a, "PRIVATE")
		userB := env.NewUser(t, b)
		env.in(t, a, func(ctx context.Context) error { return store.Create(ctx, c) })
		env.in(t, b, func(ctx context.Context) error {
			_, err := store.Get(ctx, c.ID, false)
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = store.Get(ctx, c.ID, true)
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = store.GetByCode(ctx, c.Code)
			require.ErrorIs(t, err, ports.ErrNotFound)
			cs, err := store.List(ctx, "", now, "", 10)
			require.NoError(t, err)
			require.Empty(t, cs, "B lists none of A's coupons")
			require.ErrorIs(t, store.Delete(ctx, c.ID), ports.ErrNotFound)
			require.ErrorIs(t, redeem(ctx, c.ID, userB), ports.ErrNotFound)
			n, err := store.UserRedemptions(ctx, c.ID, userB)
			require.NoError(t, err)
			require.Zero(t, n)
			changed := c
			changed.Description, changed.Disabled = "Stolen", true
			require.NoError(t, store.Save(ctx, changed))
			require.NoError(t, store.Create(ctx, newCoupon(b, c.Code)), "codes are unique per client only")
			return nil
		})
		env.in(t, a, func(ctx context.Context) error {
			got, err := store.Get(ctx, c.ID, false)
			require.NoError(t, err)
			require.Equal(t, c, got, "B's save, delete and redemption touched nothing of A")
			return nil
		})
		err := env.try(b, func(ctx context.Context) error { return store.Create(ctx, newCoupon(a, "PLANTED")) })
		require.Error(t, err, "B cannot write a coupon into A")
	})
}
