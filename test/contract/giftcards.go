package contract

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/balance"
	"github.com/stvos/stvos/core/giftcard"
	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/ports"
)

// GiftCards checks giftcard.Store and balance.Store: cards stored and read back exactly by code
// hash, a taken hash skipped (per client only); a card redeemed once, never when expired, and
// exactly once when 10 users redeem it at the same time; the ledger summed per currency, and
// balance.Service's Apply debiting at most the balance, never below zero, under concurrency; and
// a cross-tenant section (B neither finds nor redeems A's cards, nor reads or credits A's users).
func GiftCards(t *testing.T, env PartnerEnv, cards giftcard.Store, ledger balance.Store) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	usd := func(minor int64) money.Amount { return money.Amount{Minor: minor, Digits: 2, Currency: "USD"} }
	newCard := func(tenantID string, expires *time.Time) giftcard.Card {
		code, err := giftcard.NewCode()
		require.NoError(t, err)
		norm, ok := giftcard.Normalize(code)
		require.True(t, ok)
		return giftcard.Card{ID: ports.NewID(), TenantID: tenantID, CodeHash: giftcard.Hash(norm), Value: usd(2500),
			ExpiresAt: expires, CreatedBy: ports.NewID(), CreatedAt: now}
	}
	create := func(t *testing.T, cs ...giftcard.Card) []string {
		var ids []string
		env.in(t, cs[0].TenantID, func(ctx context.Context) (err error) {
			ids, err = cards.Create(ctx, cs)
			return err
		})
		return ids
	}
	code := func(err error) string {
		if e := ports.AsError(err); e != nil {
			return e.Code
		}
		return ""
	}

	t.Run("create and find by hash", func(t *testing.T) {
		a := env.New(t)
		later := now.Add(time.Hour)
		c1, c2 := newCard(a, &later), newCard(a, &later)
		require.ElementsMatch(t, []string{c1.ID, c2.ID}, create(t, c1, c2))
		taken := newCard(a, &later)
		taken.CodeHash = c1.CodeHash
		c3 := newCard(a, &later)
		require.Equal(t, []string{c3.ID}, create(t, taken, c3), "a taken hash is skipped, the rest inserted")
		env.in(t, a, func(ctx context.Context) error {
			got, err := cards.GetByHash(ctx, c1.CodeHash)
			require.NoError(t, err)
			want := c1
			want.CodeHash = got.CodeHash
			require.Equal(t, want, got, "every field read back exactly")
			require.Equal(t, c1.CodeHash, got.CodeHash)
			_, err = cards.GetByHash(ctx, giftcard.Hash("NOPE"))
			require.ErrorIs(t, err, ports.ErrNotFound)
			return nil
		})
	})
	t.Run("redeem once, never expired", func(t *testing.T) {
		a := env.New(t)
		u1, u2 := env.NewUser(t, a), env.NewUser(t, a)
		past := now.Add(-time.Minute)
		c, old := newCard(a, nil), newCard(a, &past)
		create(t, c)
		create(t, old)
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, cards.Redeem(ctx, c.ID, u1, now))
			got, err := cards.GetByHash(ctx, c.CodeHash)
			require.NoError(t, err)
			require.Equal(t, u1, got.RedeemedBy)
			require.Equal(t, now, *got.RedeemedAt)
			require.Equal(t, giftcard.StatusRedeemed, got.Status(now))
			require.Zero(t, got.Remaining().Minor)
			return nil
		})
		err := env.try(a, func(ctx context.Context) error { return cards.Redeem(ctx, c.ID, u2, now) })
		require.Equal(t, "GIFT_CARD_REDEEMED", code(err), "a card is redeemed once")
		err = env.try(a, func(ctx context.Context) error { return cards.Redeem(ctx, old.ID, u2, now) })
		require.ErrorIs(t, err, ports.ErrConflict, "never past its expiry")
		err = env.try(a, func(ctx context.Context) error { return cards.Redeem(ctx, ports.NewID(), u2, now) })
		require.ErrorIs(t, err, ports.ErrNotFound)
	})
	t.Run("10 concurrent redemptions, one winner", func(t *testing.T) {
		a := env.New(t)
		c := newCard(a, nil)
		create(t, c)
		users := make([]string, 10)
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
				errs[i] = env.try(a, func(ctx context.Context) error { return cards.Redeem(ctx, c.ID, u, now) })
			}()
		}
		close(start)
		wg.Wait()
		winner := ""
		for i, err := range errs {
			if err == nil {
				require.Empty(t, winner, "exactly one redemption succeeds")
				winner = users[i]
				continue
			}
			require.Equal(t, "GIFT_CARD_REDEEMED", code(err), "%v", err)
		}
		require.NotEmpty(t, winner)
		env.in(t, a, func(ctx context.Context) error {
			got, err := cards.GetByHash(ctx, c.CodeHash)
			require.NoError(t, err)
			require.Equal(t, winner, got.RedeemedBy)
			return nil
		})
	})
	t.Run("ledger and apply", func(t *testing.T) {
		a := env.New(t)
		u, other := env.NewUser(t, a), env.NewUser(t, a)
		svc := balance.NewService(env.UnitOfWork, ledger, ports.SystemClock{})
		ctx := context.Background()
		got, err := svc.Balances(ctx, a, u)
		require.NoError(t, err)
		require.Empty(t, got, "no entries, no balance")
		after, err := svc.Credit(ctx, a, u, usd(1000), balance.ReasonGiftCard, "card-1")
		require.NoError(t, err)
		require.Equal(t, usd(1000), after)
		_, err = svc.Credit(ctx, a, u, money.Amount{Minor: 500, Digits: 0, Currency: "JPY"}, balance.ReasonRefund, "inv-1")
		require.NoError(t, err)
		_, err = svc.Credit(ctx, a, u, usd(0), balance.ReasonRefund, "inv-1")
		require.ErrorIs(t, err, ports.ErrInvalid)
		got, err = svc.Balances(ctx, a, u)
		require.NoError(t, err)
		require.Equal(t, []money.Amount{{Minor: 500, Digits: 0, Currency: "JPY"}, usd(1000)}, got, "per currency, in currency order")
		_, err = svc.CreditSole(ctx, a, u, usd(100), balance.ReasonGiftCard, "card-2")
		require.ErrorIs(t, err, balance.ErrOtherCurrency, "a sole credit refuses while another currency is held")
		after, err = svc.CreditSole(ctx, a, other, usd(100), balance.ReasonGiftCard, "card-3")
		require.NoError(t, err)
		require.Equal(t, usd(100), after)

		applied, err := svc.Apply(ctx, a, u, usd(250), "inv-2")
		require.NoError(t, err)
		require.Equal(t, usd(250), applied, "up to the amount due")
		applied, err = svc.Apply(ctx, a, other, usd(250), "inv-3")
		require.NoError(t, err)
		require.Equal(t, usd(100), applied, "no more than the balance")
		applied, err = svc.Apply(ctx, a, other, usd(250), "inv-3")
		require.NoError(t, err)
		require.Equal(t, usd(0), applied, "nothing from an empty balance")
		applied, err = svc.Apply(ctx, a, u, money.Amount{Minor: 100, Digits: 2, Currency: "EUR"}, "inv-4")
		require.NoError(t, err)
		require.Zero(t, applied.Minor, "only the balance in the invoice's currency")

		// 750 left: 8 concurrent invoices of 1.00 take exactly 7.50 between them.
		total := make([]int64, 8)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range total {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				got, err := svc.Apply(ctx, a, u, usd(100), "inv-c")
				if err == nil {
					total[i] = got.Minor
				}
			}()
		}
		close(start)
		wg.Wait()
		var sum int64
		for _, n := range total {
			sum += n
		}
		require.Equal(t, int64(750), sum, "never more than the balance")
		got, err = svc.Balances(ctx, a, u)
		require.NoError(t, err)
		require.Equal(t, []money.Amount{{Minor: 500, Digits: 0, Currency: "JPY"}}, got, "USD is zero, so left out")

		// An apply inside a unit of work that fails commits nothing.
		err = env.try(a, func(ctx context.Context) error {
			if _, err := svc.Apply(ctx, a, u, money.Amount{Minor: 500, Currency: "JPY"}, "inv-5"); err != nil {
				return err
			}
			return ports.Conflict("LATER", "the invoice failed")
		})
		require.Error(t, err)
		got, err = svc.Balances(ctx, a, u)
		require.NoError(t, err)
		require.Equal(t, []money.Amount{{Minor: 500, Digits: 0, Currency: "JPY"}}, got)
	})
	t.Run("cross-tenant", func(t *testing.T) {
		a, b := env.New(t), env.New(t)
		userA, userB := env.NewUser(t, a), env.NewUser(t, b)
		c := newCard(a, nil)
		create(t, c)
		svc := balance.NewService(env.UnitOfWork, ledger, ports.SystemClock{})
		_, err := svc.Credit(context.Background(), a, userA, usd(100), balance.ReasonGiftCard, c.ID)
		require.NoError(t, err)
		env.in(t, b, func(ctx context.Context) error {
			_, err := cards.GetByHash(ctx, c.CodeHash)
			require.ErrorIs(t, err, ports.ErrNotFound)
			require.ErrorIs(t, cards.Redeem(ctx, c.ID, userB, now), ports.ErrNotFound)
			bs, err := ledger.Balances(ctx, userA)
			require.NoError(t, err)
			require.Empty(t, bs, "B reads none of A's balances")
			return nil
		})
		same := newCard(b, nil)
		same.CodeHash = c.CodeHash
		require.Equal(t, []string{same.ID}, create(t, same), "code hashes are unique per client only")
		_, err = svc.Credit(context.Background(), b, userA, usd(100), balance.ReasonGiftCard, "x")
		require.Error(t, err, "B cannot credit A's user")
		err = env.try(b, func(ctx context.Context) error {
			_, err := cards.Create(ctx, []giftcard.Card{newCard(a, nil)})
			return err
		})
		require.Error(t, err, "B cannot write a card into A")
		env.in(t, a, func(ctx context.Context) error {
			got, err := cards.GetByHash(ctx, c.CodeHash)
			require.NoError(t, err)
			require.Empty(t, got.RedeemedBy, "B's redemption touched nothing of A")
			bs, err := ledger.Balances(ctx, userA)
			require.NoError(t, err)
			require.Equal(t, []money.Amount{usd(100)}, bs)
			return nil
		})
	})
}
