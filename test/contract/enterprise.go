package contract

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/organization"
	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/core/partnertoken"
	"github.com/stvos/stvos/core/sso"
	"github.com/stvos/stvos/ports"
)

// EnterpriseStores are the stores of the enterprise credentials, with the partner and user
// stores their rows refer to.
type EnterpriseStores struct {
	Partners      partner.Store
	Users         account.Store
	Organizations organization.Store
	Tokens        partnertoken.Store
	Tickets       sso.Store
}

// Enterprise checks the stores of organizations, partner tokens and SSO tickets: rows read back
// as written, provider ids unique per partner, members added and re-roled, tokens found by
// client_id, listed per partner and revoked once, tickets used once; and a cross-tenant section
// (A's rows are invisible from B, and B cannot write into A).
func Enterprise(t *testing.T, env Tenants, s EnterpriseStores) {
	a, b := env.New(t), env.New(t)
	now := time.Now().UTC().Truncate(time.Microsecond)
	seed := func(tenantID string) (partner.Partner, organization.Organization, account.User) {
		p := partner.Partner{ID: ports.NewID(), TenantID: tenantID, Name: "Partner", Status: partner.StatusActive, CreatedAt: now}
		o := organization.Organization{ID: ports.NewID(), TenantID: tenantID, PartnerID: p.ID, Name: "Org", ProviderID: "prov-" + p.ID, CreatedAt: now}
		u := account.New(tenantID, "owner-"+p.ID+"@org.test", "", "Owner", []string{"subscriber"}, now)
		env.in(t, tenantID, func(ctx context.Context) error {
			require.NoError(t, s.Partners.Create(ctx, p))
			require.NoError(t, s.Users.CreateUser(ctx, u))
			return s.Organizations.Create(ctx, o)
		})
		return p, o, u
	}
	newToken := func(o organization.Organization, clientID string) partnertoken.Token {
		return partnertoken.Token{ID: ports.NewID(), TenantID: o.TenantID, PartnerID: o.PartnerID, OrgID: o.ID, Name: "sync",
			ClientID: clientID, SecretHash: make([]byte, 32), Scopes: []string{"user", "sso"}, CreatedByKind: "partner_staff",
			CreatedByID: ports.NewID(), CreatedAt: now}
	}

	t.Run("organizations: create, get, by provider id, members", func(t *testing.T) {
		p, o, u := seed(a)
		env.in(t, a, func(ctx context.Context) error {
			got, err := s.Organizations.Get(ctx, o.ID)
			require.NoError(t, err)
			require.Equal(t, o, got)
			got, err = s.Organizations.ByProviderID(ctx, p.ID, o.ProviderID)
			require.NoError(t, err)
			require.Equal(t, o, got)
			_, err = s.Organizations.ByProviderID(ctx, ports.NewID(), o.ProviderID)
			require.ErrorIs(t, err, ports.ErrNotFound, "provider ids are per partner")
			m := organization.Member{TenantID: a, OrgID: o.ID, UserID: u.ID, Role: organization.RoleOwner, CreatedAt: now}
			require.NoError(t, s.Organizations.SetMember(ctx, m))
			m.Role = organization.RoleManager
			require.NoError(t, s.Organizations.SetMember(ctx, m))
			ms, err := s.Organizations.Members(ctx, o.ID)
			require.NoError(t, err)
			require.Equal(t, []organization.Member{m}, ms, "setting a member again changes the role")
			return nil
		})
		dup := o
		dup.ID = ports.NewID()
		err := env.try(a, func(ctx context.Context) error { return s.Organizations.Create(ctx, dup) })
		require.ErrorIs(t, err, ports.ErrConflict)
		require.Equal(t, "ORGANIZATION_EXISTS", ports.AsError(err).Code)
	})
	t.Run("partner tokens: create, find, list, revoke once", func(t *testing.T) {
		_, o, _ := seed(a)
		t1, t2 := newToken(o, "stvp_"+ports.NewID()), newToken(o, "stvp_"+ports.NewID())
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, s.Tokens.Create(ctx, t1))
			require.NoError(t, s.Tokens.Create(ctx, t2))
			got, err := s.Tokens.Get(ctx, t1.ID)
			require.NoError(t, err)
			require.Equal(t, t1, got)
			got, err = s.Tokens.ByClientID(ctx, t2.ClientID)
			require.NoError(t, err)
			require.Equal(t, t2, got)
			first, err := s.Tokens.List(ctx, o.PartnerID, "", 1)
			require.NoError(t, err)
			require.Len(t, first, 1)
			rest, err := s.Tokens.List(ctx, o.PartnerID, first[0].ID, 10)
			require.NoError(t, err)
			require.Len(t, rest, 1)
			require.ElementsMatch(t, []string{t1.ID, t2.ID}, []string{first[0].ID, rest[0].ID})
			require.NoError(t, s.Tokens.Revoke(ctx, t1.ID, now))
			require.ErrorIs(t, s.Tokens.Revoke(ctx, t1.ID, now), ports.ErrNotFound, "a token is revoked once")
			got, err = s.Tokens.Get(ctx, t1.ID)
			require.NoError(t, err)
			require.True(t, got.Revoked())
			_, err = s.Tokens.ByClientID(ctx, "stvp_unknown")
			require.ErrorIs(t, err, ports.ErrNotFound)
			return nil
		})
		err := env.try(a, func(ctx context.Context) error {
			bad := newToken(o, "stvp_"+ports.NewID())
			bad.OrgID = ports.NewID()
			return s.Tokens.Create(ctx, bad)
		})
		require.ErrorIs(t, err, ports.ErrNotFound, "a token belongs to an existing organization")
	})
	t.Run("sso tickets: create, get, used once", func(t *testing.T) {
		p, _, _ := seed(a)
		tk := sso.Ticket{ID: ports.NewID(), TenantID: a, PartnerID: p.ID, TokenID: ports.NewID(), SecretHash: make([]byte, 32),
			Email: "ann@org.test", FullName: "Ann", PhoneNumber: "+14155550123", Role: organization.RoleManager, ProviderOrgID: "x",
			ProviderOrgName: "X", CreatedAt: now, ExpiresAt: now.Add(5 * time.Minute)}
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, s.Tickets.Create(ctx, tk))
			got, err := s.Tickets.Get(ctx, tk.ID)
			require.NoError(t, err)
			require.Equal(t, tk, got)
			require.NoError(t, s.Tickets.MarkUsed(ctx, tk.ID, now))
			require.ErrorIs(t, s.Tickets.MarkUsed(ctx, tk.ID, now), ports.ErrNotFound, "a ticket is used once")
			got, err = s.Tickets.Get(ctx, tk.ID)
			require.NoError(t, err)
			require.NotNil(t, got.UsedAt)
			return nil
		})
	})
	t.Run("cross-tenant", func(t *testing.T) {
		p, o, _ := seed(a)
		tok := newToken(o, "stvp_"+ports.NewID())
		tk := sso.Ticket{ID: ports.NewID(), TenantID: a, PartnerID: p.ID, TokenID: tok.ID, SecretHash: make([]byte, 32), Email: "a@a.test",
			FullName: "A", PhoneNumber: "123", Role: organization.RoleOwner, CreatedAt: now, ExpiresAt: now.Add(time.Minute)}
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, s.Tokens.Create(ctx, tok))
			return s.Tickets.Create(ctx, tk)
		})
		env.in(t, b, func(ctx context.Context) error {
			_, err := s.Organizations.Get(ctx, o.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = s.Organizations.ByProviderID(ctx, p.ID, o.ProviderID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			ms, err := s.Organizations.Members(ctx, o.ID)
			require.NoError(t, err)
			require.Empty(t, ms)
			_, err = s.Tokens.Get(ctx, tok.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = s.Tokens.ByClientID(ctx, tok.ClientID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			ts, err := s.Tokens.List(ctx, p.ID, "", 10)
			require.NoError(t, err)
			require.Empty(t, ts)
			require.ErrorIs(t, s.Tokens.Revoke(ctx, tok.ID, now), ports.ErrNotFound)
			_, err = s.Tickets.Get(ctx, tk.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			require.ErrorIs(t, s.Tickets.MarkUsed(ctx, tk.ID, now), ports.ErrNotFound)
			return nil
		})
		planted := o
		planted.ID, planted.ProviderID = ports.NewID(), "planted"
		err := env.try(b, func(ctx context.Context) error { return s.Organizations.Create(ctx, planted) })
		require.Error(t, err, "B cannot write an organization into A")
		err = env.try(b, func(ctx context.Context) error { return s.Tokens.Create(ctx, newToken(o, "stvp_"+ports.NewID())) })
		require.Error(t, err, "B cannot write a token into A")
		env.in(t, a, func(ctx context.Context) error {
			got, err := s.Tokens.Get(ctx, tok.ID)
			require.NoError(t, err)
			require.False(t, got.Revoked())
			return nil
		})
	})
}
