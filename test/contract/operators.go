package contract

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/operator"
	"github.com/stvos/stvos/ports"
)

// Operators checks an operator.Store: operators are platform rows, created and found by id and
// by email, emails unique; and a cross-tenant section (no tenant's unit of work sees or writes
// an operator).
func Operators(t *testing.T, env Tenants, store operator.Store) {
	a := env.New(t)
	now := time.Now().UTC().Truncate(time.Microsecond)
	newOp := func() operator.Operator {
		return operator.Operator{ID: ports.NewID(), Email: ports.NewID()[24:] + "@ops.test", Name: "Operator", PasswordHash: "argon2id$x", CreatedAt: now}
	}
	t.Run("create and find", func(t *testing.T) {
		o := newOp()
		env.platform(t, func(ctx context.Context) error {
			require.NoError(t, store.CreateOperator(ctx, o))
			got, err := store.Operator(ctx, o.ID)
			require.NoError(t, err)
			require.Equal(t, o, got)
			got, err = store.OperatorByEmail(ctx, o.Email)
			require.NoError(t, err)
			require.Equal(t, o, got)
			_, err = store.Operator(ctx, ports.NewID())
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = store.OperatorByEmail(ctx, "nobody@ops.test")
			require.ErrorIs(t, err, ports.ErrNotFound)
			return nil
		})
	})
	t.Run("email unique", func(t *testing.T) {
		o := newOp()
		env.platform(t, func(ctx context.Context) error { return store.CreateOperator(ctx, o) })
		twin := newOp()
		twin.Email = o.Email
		err := env.UnitOfWork.Do(context.Background(), ports.PlatformScope(), func(ctx context.Context) error { return store.CreateOperator(ctx, twin) })
		require.ErrorIs(t, err, ports.ErrConflict)
	})
	t.Run("cross-tenant", func(t *testing.T) {
		o := newOp()
		env.platform(t, func(ctx context.Context) error { return store.CreateOperator(ctx, o) })
		env.in(t, a, func(ctx context.Context) error {
			_, err := store.Operator(ctx, o.ID)
			require.ErrorIs(t, err, ports.ErrNotFound, "a tenant does not see operators")
			_, err = store.OperatorByEmail(ctx, o.Email)
			require.ErrorIs(t, err, ports.ErrNotFound)
			return nil
		})
		err := env.try(a, func(ctx context.Context) error { return store.CreateOperator(ctx, newOp()) })
		require.ErrorIs(t, err, ports.ErrForbidden, "a tenant cannot make an operator")
	})
}
