package contract

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/core/staff"
	"github.com/stvos/stvos/ports"
)

// PartnerStore is what one adapter implements for partners and their staff's sign-in.
type PartnerStore interface {
	partner.Store
	staff.Store
}

// Partners checks the partner stores (partner.Store and staff.Store): partners and staff
// created, read back and listed in keyset pages, staff found by id and by email, emails unique
// per tenant only; and a cross-tenant section (A's partners and staff are invisible from B, and
// B cannot write into A).
func Partners(t *testing.T, env Tenants, store PartnerStore) {
	a, b := env.New(t), env.New(t)
	now := time.Now().UTC().Truncate(time.Microsecond)
	newPartner := func(tenantID, name string) partner.Partner {
		return partner.Partner{ID: ports.NewID(), TenantID: tenantID, Name: name, Status: partner.StatusActive, CreatedAt: now}
	}
	newStaff := func(p partner.Partner, email string) partner.Staff {
		return partner.Staff{ID: ports.NewID(), TenantID: p.TenantID, PartnerID: p.ID, Email: email, Name: "Staff",
			Role: partner.RoleOwner, PasswordHash: "argon2id$x", CreatedAt: now}
	}

	t.Run("partners: create, get, list in pages", func(t *testing.T) {
		c := env.New(t)
		var ids []string
		env.in(t, c, func(ctx context.Context) error {
			for _, name := range []string{"Gym one", "Gym two", "Gym three"} {
				p := newPartner(c, name)
				require.NoError(t, store.Create(ctx, p))
				got, err := store.Get(ctx, p.ID)
				require.NoError(t, err)
				require.Equal(t, p, got)
				ids = append(ids, p.ID)
			}
			first, err := store.List(ctx, c, "", 2)
			require.NoError(t, err)
			require.Len(t, first, 2)
			rest, err := store.List(ctx, c, first[1].ID, 2)
			require.NoError(t, err)
			require.Len(t, rest, 1)
			require.ElementsMatch(t, ids, []string{first[0].ID, first[1].ID, rest[0].ID})
			_, err = store.Get(ctx, ports.NewID())
			require.ErrorIs(t, err, ports.ErrNotFound)
			return nil
		})
	})
	t.Run("staff: create, find by id and email, list", func(t *testing.T) {
		p := newPartner(a, "Gym")
		s := newStaff(p, "owner@gym.test")
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.Create(ctx, p))
			require.NoError(t, store.CreateStaff(ctx, s))
			got, err := store.Staff(ctx, s.ID)
			require.NoError(t, err)
			require.Equal(t, s, got)
			got, err = store.StaffByEmail(ctx, s.Email)
			require.NoError(t, err)
			require.Equal(t, s, got)
			list, err := store.ListStaff(ctx, p.ID, "", 10)
			require.NoError(t, err)
			require.Equal(t, []partner.Staff{s}, list)
			_, err = store.StaffByEmail(ctx, "nobody@gym.test")
			require.ErrorIs(t, err, ports.ErrNotFound)
			return nil
		})
		err := env.try(a, func(ctx context.Context) error { return store.CreateStaff(ctx, newStaff(p, s.Email)) })
		require.ErrorIs(t, err, ports.ErrConflict, "an email is one staff member per client")
		err = env.try(a, func(ctx context.Context) error {
			return store.CreateStaff(ctx, newStaff(newPartner(a, "None"), "x@gym.test"))
		})
		require.ErrorIs(t, err, ports.ErrNotFound, "staff belong to an existing partner")
	})
	t.Run("cross-tenant", func(t *testing.T) {
		p := newPartner(a, "Private gym")
		s := newStaff(p, "private@gym.test")
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.Create(ctx, p))
			return store.CreateStaff(ctx, s)
		})
		env.in(t, b, func(ctx context.Context) error {
			_, err := store.Get(ctx, p.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			ps, err := store.List(ctx, a, "", 100)
			require.NoError(t, err)
			require.Empty(t, ps, "B lists none of A's partners even naming A")
			_, err = store.Staff(ctx, s.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = store.StaffByEmail(ctx, s.Email)
			require.ErrorIs(t, err, ports.ErrNotFound)
			ss, err := store.ListStaff(ctx, p.ID, "", 100)
			require.NoError(t, err)
			require.Empty(t, ss)
			return nil
		})
		err := env.try(b, func(ctx context.Context) error { return store.Create(ctx, newPartner(a, "Planted")) })
		require.ErrorIs(t, err, ports.ErrForbidden, "B cannot write a partner into A")
		err = env.try(b, func(ctx context.Context) error { return store.CreateStaff(ctx, newStaff(p, "planted@gym.test")) })
		require.Error(t, err, "B cannot add staff to A's partner")
		env.in(t, a, func(ctx context.Context) error {
			_, err := store.StaffByEmail(ctx, "planted@gym.test")
			require.ErrorIs(t, err, ports.ErrNotFound)
			return nil
		})
	})
}
