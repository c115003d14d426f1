package contract

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/onboarding"
	"github.com/stvos/stvos/core/organization"
	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/ports"
)

// OnboardingStores are the onboarding store with the stores its rows refer to.
type OnboardingStores struct {
	Partners      partner.Store
	Organizations organization.Store
	Onboardings   onboarding.Store
	Sources       onboarding.SourceStore
}

// Onboarding checks onboarding.Store: onboardings read back as written and updated, locked and
// read only by their partner; locations ingested once per (organization, source, provider id);
// DSP connections bound once per (location, source, store), listed under their location; menus
// replaced as a whole; and every read and write of another partner (same tenant) or another
// tenant finds nothing.
func Onboarding(t *testing.T, env Tenants, s OnboardingStores) {
	a, b := env.New(t), env.New(t)
	now := time.Now().UTC().Truncate(time.Microsecond)
	seed := func(tenantID string) (partner.Partner, onboarding.Onboarding) {
		p := partner.Partner{ID: ports.NewID(), TenantID: tenantID, Name: "Partner", Status: partner.StatusActive, CreatedAt: now}
		org := organization.Organization{ID: ports.NewID(), TenantID: tenantID, PartnerID: p.ID, Name: "Org", ProviderID: "prov-" + p.ID, CreatedAt: now}
		o := onboarding.Onboarding{ID: ports.NewID(), TenantID: tenantID, PartnerID: p.ID, OrgID: org.ID, PartnerOrgID: org.ProviderID,
			Type: onboarding.TypePOS, Source: "sandbox", Status: onboarding.StatusPending, EntryURL: "https://pos.example/authorize",
			ReturnURL: "https://partner.example/back", SealedAuth: "sealed-auth", CreatedAt: now, UpdatedAt: now}
		env.in(t, tenantID, func(ctx context.Context) error {
			require.NoError(t, s.Partners.Create(ctx, p))
			require.NoError(t, s.Organizations.Create(ctx, org))
			return s.Onboardings.CreateOnboarding(ctx, o)
		})
		return p, o
	}
	location := func(o onboarding.Onboarding, providerID string) onboarding.Location {
		return onboarding.Location{ID: ports.NewID(), PartnerID: o.PartnerID, OrgID: o.OrgID, OnboardingID: o.ID, ProviderID: providerID,
			Name: "Downtown", Source: o.Source, Status: onboarding.LocationActive, CreatedAt: now,
			Address: ports.Address{FormattedAddress: "1 Main St", Locality: "Springfield", Country: "US", Latitude: 40.1, Longitude: -73.2}}
	}
	dsp := func(o onboarding.Onboarding, l onboarding.Location, store string) onboarding.DSPConnection {
		return onboarding.DSPConnection{ID: ports.NewID(), PartnerID: o.PartnerID, OrgID: o.OrgID, LocationID: l.ID, OnboardingID: o.ID,
			Source: "sandbox-dsp", ProviderID: store, StoreName: "Store " + store, Status: onboarding.DSPApproved, MenuIDs: []string{}, ChangeTime: now}
	}

	t.Run("onboardings: create, read, lock, update, by partner only", func(t *testing.T) {
		p, o := seed(a)
		other, _ := seed(a)
		env.in(t, a, func(ctx context.Context) error {
			org, err := s.Onboardings.Organization(ctx, p.ID, o.OrgID)
			require.NoError(t, err)
			require.Equal(t, onboarding.Organization{ID: o.OrgID, PartnerID: p.ID, ProviderID: o.PartnerOrgID}, org)
			_, err = s.Onboardings.Organization(ctx, other.ID, o.OrgID)
			require.ErrorIs(t, err, ports.ErrNotFound, "another partner's organization")
			got, err := s.Onboardings.Onboarding(ctx, p.ID, o.ID)
			require.NoError(t, err)
			require.Equal(t, o, got)
			_, err = s.Onboardings.Onboarding(ctx, other.ID, o.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = s.Onboardings.LockOnboarding(ctx, other.ID, o.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			locked, err := s.Onboardings.LockOnboarding(ctx, p.ID, o.ID)
			require.NoError(t, err)
			locked.Status, locked.MerchantID, locked.IntegrationID, locked.SealedAuth, locked.SealedConnection =
				onboarding.StatusActive, "m-1", ports.NewID(), "", "sealed-conn"
			locked.UpdatedAt = now.Add(time.Second)
			require.NoError(t, s.Onboardings.UpdateOnboarding(ctx, locked))
			got, err = s.Onboardings.Onboarding(ctx, p.ID, o.ID)
			require.NoError(t, err)
			require.Equal(t, locked, got)
			stolen := locked
			stolen.PartnerID = other.ID
			require.ErrorIs(t, s.Onboardings.UpdateOnboarding(ctx, stolen), ports.ErrNotFound, "another partner cannot update it")
			return nil
		})
		wrong := o
		wrong.ID, wrong.PartnerID = ports.NewID(), other.ID
		err := env.try(a, func(ctx context.Context) error { return s.Onboardings.CreateOnboarding(ctx, wrong) })
		require.ErrorIs(t, err, ports.ErrNotFound, "an onboarding of another partner's organization cannot exist")
	})

	t.Run("locations and DSP connections: once each, listed with their location, menus replaced", func(t *testing.T) {
		p, o := seed(a)
		other, _ := seed(a)
		env.in(t, a, func(ctx context.Context) error {
			l1, l2 := location(o, "pos-1"), location(o, "pos-2")
			got, err := s.Onboardings.IngestLocations(ctx, []onboarding.Location{l1, l2})
			require.NoError(t, err)
			require.Equal(t, []onboarding.Location{l1, l2}, got)
			again := location(o, "pos-1")
			got, err = s.Onboardings.IngestLocations(ctx, []onboarding.Location{again})
			require.NoError(t, err)
			require.Equal(t, l1.ID, got[0].ID, "ingesting again answers the location already there")

			d1 := dsp(o, l1, "store-1")
			bound, err := s.Onboardings.BindDSPs(ctx, []onboarding.DSPConnection{d1})
			require.NoError(t, err)
			require.Equal(t, []onboarding.DSPConnection{d1}, bound)
			rebind := dsp(o, l1, "store-1")
			rebind.ChangeTime = now.Add(time.Minute)
			bound, err = s.Onboardings.BindDSPs(ctx, []onboarding.DSPConnection{rebind})
			require.NoError(t, err)
			require.Equal(t, d1.ID, bound[0].ID, "binding again keeps the connection")
			require.Equal(t, now, bound[0].ChangeTime, "an unchanged status keeps its change time")

			ls, err := s.Onboardings.Locations(ctx, p.ID, o.OrgID, "")
			require.NoError(t, err)
			require.Len(t, ls, 2)
			if ls[0].ID != l1.ID {
				ls[0], ls[1] = ls[1], ls[0]
			}
			require.Equal(t, l1.Address, ls[0].Address)
			require.Equal(t, []onboarding.DSPConnection{d1}, ls[0].DSPs)
			require.Equal(t, []onboarding.DSPConnection{}, ls[1].DSPs)
			one, err := s.Onboardings.Locations(ctx, p.ID, o.OrgID, l2.ID)
			require.NoError(t, err)
			require.Len(t, one, 1)
			require.Equal(t, l2.ID, one[0].ID)
			none, err := s.Onboardings.Locations(ctx, other.ID, o.OrgID, "")
			require.NoError(t, err)
			require.Empty(t, none, "another partner sees no locations")

			_, err = s.Onboardings.LockDSP(ctx, other.ID, o.OrgID, d1.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			locked, err := s.Onboardings.LockDSP(ctx, p.ID, o.OrgID, d1.ID)
			require.NoError(t, err)
			require.Equal(t, d1, locked)
			later := now.Add(time.Hour)
			require.NoError(t, s.Onboardings.SetMenus(ctx, p.ID, d1.ID, []string{"m2", "m1"}, later))
			require.ErrorIs(t, s.Onboardings.SetMenus(ctx, other.ID, d1.ID, []string{"x"}, later), ports.ErrNotFound)
			locked, err = s.Onboardings.LockDSP(ctx, p.ID, o.OrgID, d1.ID)
			require.NoError(t, err)
			require.Equal(t, []string{"m2", "m1"}, locked.MenuIDs, "menus keep their order")
			require.NoError(t, s.Onboardings.SetMenus(ctx, p.ID, d1.ID, []string{}, later))
			locked, err = s.Onboardings.LockDSP(ctx, p.ID, o.OrgID, d1.ID)
			require.NoError(t, err)
			require.Equal(t, []string{}, locked.MenuIDs, "an empty list restores publish-all, never null")
			return nil
		})
		err := env.try(a, func(ctx context.Context) error {
			l := location(o, "pos-x")
			l.PartnerID = other.ID
			_, err := s.Onboardings.IngestLocations(ctx, []onboarding.Location{l})
			return err
		})
		require.ErrorIs(t, err, ports.ErrNotFound, "a location of another partner's organization cannot exist")
		err = env.try(a, func(ctx context.Context) error {
			ls, err := s.Onboardings.Locations(ctx, p.ID, o.OrgID, "")
			require.NoError(t, err)
			d := dsp(o, ls[0], "store-9")
			d.PartnerID = other.ID
			_, err = s.Onboardings.BindDSPs(ctx, []onboarding.DSPConnection{d})
			return err
		})
		require.ErrorIs(t, err, ports.ErrNotFound, "binding to another partner's location")
	})

	t.Run("sources: put, replace keeping created_at, list, delete, per tenant", func(t *testing.T) {
		src := onboarding.Source{TenantID: a, Name: "acme-pos", AuthURL: "https://acme.example/authorize", TokenURL: "https://acme.example/token",
			ClientID: "cid", SealedClientSecret: "sealed", Scopes: []string{"locations.read"}, LocationsURL: "https://acme.example/locations",
			CreatedAt: now, UpdatedAt: now}
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, s.Sources.PutSource(ctx, src))
			got, err := s.Sources.Source(ctx, "acme-pos")
			require.NoError(t, err)
			require.Equal(t, src, got)
			changed := src
			changed.ClientID, changed.Scopes, changed.MenusURL = "cid-2", []string{}, "https://acme.example/menus/{location_id}"
			changed.CreatedAt, changed.UpdatedAt = now.Add(time.Hour), now.Add(time.Hour)
			require.NoError(t, s.Sources.PutSource(ctx, changed))
			got, err = s.Sources.Source(ctx, "acme-pos")
			require.NoError(t, err)
			changed.CreatedAt = now
			require.Equal(t, changed, got, "replaced, created_at kept")
			all, err := s.Sources.Sources(ctx)
			require.NoError(t, err)
			require.Equal(t, []onboarding.Source{changed}, all)
			return nil
		})
		env.in(t, b, func(ctx context.Context) error {
			_, err := s.Sources.Source(ctx, "acme-pos")
			require.ErrorIs(t, err, ports.ErrNotFound, "another tenant's source")
			require.ErrorIs(t, s.Sources.DeleteSource(ctx, "acme-pos"), ports.ErrNotFound)
			return nil
		})
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, s.Sources.DeleteSource(ctx, "acme-pos"))
			require.ErrorIs(t, s.Sources.DeleteSource(ctx, "acme-pos"), ports.ErrNotFound)
			return nil
		})
	})

	t.Run("another tenant sees nothing", func(t *testing.T) {
		p, o := seed(a)
		env.in(t, b, func(ctx context.Context) error {
			_, err := s.Onboardings.Onboarding(ctx, p.ID, o.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = s.Onboardings.Organization(ctx, p.ID, o.OrgID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			ls, err := s.Onboardings.Locations(ctx, p.ID, o.OrgID, "")
			require.NoError(t, err)
			require.Empty(t, ls)
			return nil
		})
		err := env.try(b, func(ctx context.Context) error {
			_, err := s.Onboardings.IngestLocations(ctx, []onboarding.Location{location(o, "pos-b")})
			return err
		})
		require.Error(t, err, "B cannot write into A's organization")
	})
}
