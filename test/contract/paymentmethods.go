package contract

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/payment"
	"github.com/stvos/stvos/ports"
)

// PaymentMethods checks payment.Store: methods stored and read back exactly, listed in creation
// order, one account's never another's (get, list, default, delete), at most one default per
// account, the default moved in one call, gateway customers kept once per account and gateway,
// and a cross-tenant section (B neither reads, lists, changes nor deletes A's methods or
// customers, nor writes one into A).
func PaymentMethods(t *testing.T, env PartnerEnv, store payment.Store) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	// newMethod makes a method created at now; a test making several in one millisecond, whose
	// ids do not tell their order, sets their times apart.
	newMethod := func(tenantID, userID, last4 string, isDefault bool) payment.Method {
		return payment.Method{ID: ports.NewID(), TenantID: tenantID, UserID: userID, Gateway: "sandbox", CustomerID: "cus_1",
			GatewayID: "pm_" + last4, Type: payment.TypeCard, Brand: "visa", Last4: last4, ExpMonth: 12, ExpYear: 2031,
			BillingName: "Ada Lovelace", BillingCountry: "GB", IsDefault: isDefault, CreatedAt: now, UpdatedAt: now}
	}
	ids := func(ms []payment.Method) []string {
		out := []string{}
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out
	}
	defaults := func(ms []payment.Method) []string {
		out := []string{}
		for _, m := range ms {
			if m.IsDefault {
				out = append(out, m.ID)
			}
		}
		return out
	}

	t.Run("create, get, list, default, delete", func(t *testing.T) {
		a := env.New(t)
		ada, bob := env.NewUser(t, a), env.NewUser(t, a)
		first, second := newMethod(a, ada, "4242", true), newMethod(a, ada, "4444", false)
		second.Brand, second.BillingName, second.BillingCountry = "mastercard", "", ""
		second.CreatedAt, second.UpdatedAt = now.Add(time.Second), now.Add(time.Second)
		bobs := newMethod(a, bob, "0005", true)
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.LockAccount(ctx, ada))
			for _, m := range []payment.Method{first, second, bobs} {
				require.NoError(t, store.Create(ctx, m))
			}
			got, err := store.Get(ctx, ada, first.ID)
			require.NoError(t, err)
			require.Equal(t, first, got)
			got, err = store.Get(ctx, ada, second.ID)
			require.NoError(t, err)
			require.Equal(t, second, got, "empty billing fields stay empty")
			_, err = store.Get(ctx, bob, first.ID)
			require.ErrorIs(t, err, ports.ErrNotFound, "another account's method is not found")
			_, err = store.Get(ctx, ada, ports.NewID())
			require.ErrorIs(t, err, ports.ErrNotFound)

			ms, err := store.List(ctx, ada)
			require.NoError(t, err)
			require.Equal(t, []payment.Method{first, second}, ms, "the account's methods, in creation order")
			ms, err = store.List(ctx, bob)
			require.NoError(t, err)
			require.Equal(t, []string{bobs.ID}, ids(ms))

			return nil
		})
		err := env.try(a, func(ctx context.Context) error { return store.Create(ctx, newMethod(a, ada, "1111", true)) })
		require.ErrorIs(t, err, ports.ErrConflict, "a second default of one account")

		later := now.Add(time.Minute)
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.SetDefault(ctx, ada, second.ID, later))
			ms, err := store.List(ctx, ada)
			require.NoError(t, err)
			require.Equal(t, []string{second.ID}, defaults(ms), "one default, moved")
			for _, m := range ms {
				require.Equal(t, later, m.UpdatedAt, "both changed methods are touched")
			}
			require.NoError(t, store.SetDefault(ctx, ada, second.ID, later.Add(time.Minute)), "the default again changes nothing")
			got, err := store.Get(ctx, ada, second.ID)
			require.NoError(t, err)
			require.Equal(t, later, got.UpdatedAt)
			require.ErrorIs(t, store.SetDefault(ctx, bob, second.ID, later), ports.ErrNotFound, "not bob's")
			require.ErrorIs(t, store.SetDefault(ctx, ada, ports.NewID(), later), ports.ErrNotFound)
			ms, err = store.List(ctx, bob)
			require.NoError(t, err)
			require.Equal(t, []string{bobs.ID}, defaults(ms), "bob's default untouched")

			require.ErrorIs(t, store.Delete(ctx, bob, first.ID), ports.ErrNotFound, "not bob's")
			require.NoError(t, store.Delete(ctx, ada, first.ID))
			require.ErrorIs(t, store.Delete(ctx, ada, first.ID), ports.ErrNotFound)
			ms, err = store.List(ctx, ada)
			require.NoError(t, err)
			require.Equal(t, []string{second.ID}, ids(ms))
			return nil
		})
	})
	t.Run("customers", func(t *testing.T) {
		a := env.New(t)
		ada, bob := env.NewUser(t, a), env.NewUser(t, a)
		env.in(t, a, func(ctx context.Context) error {
			_, err := store.Customer(ctx, ada, "sandbox")
			require.ErrorIs(t, err, ports.ErrNotFound)
			require.NoError(t, store.PutCustomer(ctx, ada, "sandbox", "cus_first", now))
			require.NoError(t, store.PutCustomer(ctx, ada, "sandbox", "cus_second", now), "a second put keeps the first")
			require.NoError(t, store.PutCustomer(ctx, ada, "stripe", "cus_stripe", now))
			for gw, want := range map[string]string{"sandbox": "cus_first", "stripe": "cus_stripe"} {
				got, err := store.Customer(ctx, ada, gw)
				require.NoError(t, err)
				require.Equal(t, want, got, gw)
			}
			_, err = store.Customer(ctx, bob, "sandbox")
			require.ErrorIs(t, err, ports.ErrNotFound, "bob has none")
			return nil
		})
		err := env.try(a, func(ctx context.Context) error { return store.PutCustomer(ctx, ports.NewID(), "sandbox", "cus_x", now) })
		require.ErrorIs(t, err, ports.ErrNotFound, "no customer for an account that does not exist")
	})
	t.Run("cross-tenant", func(t *testing.T) {
		a, b := env.New(t), env.New(t)
		ada := env.NewUser(t, a)
		m := newMethod(a, ada, "4242", true)
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.PutCustomer(ctx, ada, "sandbox", "cus_a", now))
			return store.Create(ctx, m)
		})
		env.in(t, b, func(ctx context.Context) error {
			require.NoError(t, store.LockAccount(ctx, ada))
			_, err := store.Get(ctx, ada, m.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			ms, err := store.List(ctx, ada)
			require.NoError(t, err)
			require.Empty(t, ms, "B lists none of A's methods")
			_, err = store.Customer(ctx, ada, "sandbox")
			require.ErrorIs(t, err, ports.ErrNotFound)
			require.ErrorIs(t, store.SetDefault(ctx, ada, m.ID, now), ports.ErrNotFound)
			require.ErrorIs(t, store.Delete(ctx, ada, m.ID), ports.ErrNotFound)
			return nil
		})
		env.in(t, a, func(ctx context.Context) error {
			got, err := store.Get(ctx, ada, m.ID)
			require.NoError(t, err)
			require.Equal(t, m, got, "B touched nothing of A")
			return nil
		})
		planted := newMethod(a, ada, "6666", false)
		require.Error(t, env.try(b, func(ctx context.Context) error { return store.Create(ctx, planted) }), "B cannot write a method into A")
		require.Error(t, env.try(b, func(ctx context.Context) error { return store.PutCustomer(ctx, ada, "stripe", "cus_b", now) }),
			"B cannot give A's account a customer")
	})
}
