package onboarding_test

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/onboarding"
	"github.com/stvos/stvos/ports"
)

// memUoW runs use cases without a database.
type memUoW struct{}

func (memUoW) Do(ctx context.Context, _ ports.Scope, fn func(context.Context) error) error {
	return fn(ctx)
}
func (memUoW) Read(ctx context.Context, _ ports.Scope, fn func(context.Context) error) error {
	return fn(ctx)
}

// memStore is an in-memory onboarding.Store (not transactional: the tests do one thing at a time).
type memStore struct {
	orgs map[string]onboarding.Organization
	obs  map[string]onboarding.Onboarding
	locs []onboarding.Location
	dsps []onboarding.DSPConnection
}

func (m *memStore) Organization(_ context.Context, partnerID, id string) (onboarding.Organization, error) {
	o, ok := m.orgs[id]
	if !ok || o.PartnerID != partnerID {
		return o, ports.NotFound("organization")
	}
	return o, nil
}
func (m *memStore) CreateOnboarding(_ context.Context, o onboarding.Onboarding) error {
	m.obs[o.ID] = o
	return nil
}
func (m *memStore) Onboarding(_ context.Context, partnerID, id string) (onboarding.Onboarding, error) {
	o, ok := m.obs[id]
	if !ok || o.PartnerID != partnerID {
		return o, ports.NotFound("onboarding")
	}
	return o, nil
}
func (m *memStore) LockOnboarding(ctx context.Context, partnerID, id string) (onboarding.Onboarding, error) {
	return m.Onboarding(ctx, partnerID, id)
}
func (m *memStore) UpdateOnboarding(_ context.Context, o onboarding.Onboarding) error {
	m.obs[o.ID] = o
	return nil
}
func (m *memStore) IngestLocations(_ context.Context, ls []onboarding.Location) ([]onboarding.Location, error) {
	var out []onboarding.Location
	for _, l := range ls {
		i := slices.IndexFunc(m.locs, func(h onboarding.Location) bool {
			return h.OrgID == l.OrgID && h.Source == l.Source && h.ProviderID == l.ProviderID
		})
		if i >= 0 {
			out = append(out, m.locs[i])
			continue
		}
		m.locs = append(m.locs, l)
		out = append(out, l)
	}
	return out, nil
}
func (m *memStore) Locations(_ context.Context, _, orgID, locationID string) ([]onboarding.Location, error) {
	var out []onboarding.Location
	for _, l := range m.locs {
		if l.OrgID == orgID && (locationID == "" || l.ID == locationID) {
			for _, d := range m.dsps {
				if d.LocationID == l.ID {
					l.DSPs = append(l.DSPs, d)
				}
			}
			out = append(out, l)
		}
	}
	return out, nil
}
func (m *memStore) BindDSPs(_ context.Context, ds []onboarding.DSPConnection) ([]onboarding.DSPConnection, error) {
	m.dsps = append(m.dsps, ds...)
	return ds, nil
}
func (m *memStore) LockDSP(_ context.Context, _, orgID, id string) (onboarding.DSPConnection, error) {
	for _, d := range m.dsps {
		if d.ID == id && d.OrgID == orgID {
			return d, nil
		}
	}
	return onboarding.DSPConnection{}, ports.NotFound("DSP connection")
}
func (m *memStore) SetMenus(_ context.Context, _, id string, menus []string, at time.Time) error {
	for i := range m.dsps {
		if m.dsps[i].ID == id {
			m.dsps[i].MenuIDs, m.dsps[i].ChangeTime = menus, at
		}
	}
	return nil
}

// fakeProvider issues code "code-for-<state>".
type fakeProvider struct{}

func (fakeProvider) Name() string { return "fake" }
func (fakeProvider) AuthorizationURL(_ context.Context, r ports.AuthorizationRequest) (string, error) {
	return "https://provider.example/authorize?state=" + url.QueryEscape(r.State), nil
}
func (fakeProvider) Exchange(_ context.Context, r ports.CodeExchange) (ports.Connection, error) {
	if r.Code != "code-for-"+r.State {
		return ports.Connection{}, ports.Invalid("code", "refused")
	}
	return ports.Connection{MerchantID: "m-1", AccessToken: "tok"}, nil
}
func (fakeProvider) Locations(_ context.Context, c ports.Connection) ([]ports.ProviderLocation, error) {
	if c.Type == "dsp" {
		return []ports.ProviderLocation{{ProviderID: "store-1", Name: "Store One"}}, nil
	}
	return []ports.ProviderLocation{{ProviderID: "pos-1", Name: "POS One"}, {ProviderID: "pos-2", Name: "POS Two"}}, nil
}
func (fakeProvider) Menus(context.Context, ports.Connection, string) ([]ports.ProviderMenu, error) {
	return []ports.ProviderMenu{{ProviderID: "menu-a"}, {ProviderID: "menu-b"}}, nil
}

type providers struct{}

func (providers) For(_ context.Context, _, source string) (ports.IntegrationProvider, error) {
	if source == "unknown" {
		return nil, ports.Invalid("source", "is not configured")
	}
	return fakeProvider{}, nil
}

type guard struct{}

func (guard) Check(_ context.Context, field, raw string) error {
	if !strings.HasPrefix(raw, "https://") {
		return ports.Invalid(field, "must be an https URL")
	}
	return nil
}

// plainSealer only marks values; the real one is adapters/seal.
type plainSealer struct{}

func (plainSealer) Seal(p []byte, c string) (string, error) { return c + "|" + string(p), nil }
func (plainSealer) Open(s, c string) ([]byte, error) {
	rest, ok := strings.CutPrefix(s, c+"|")
	if !ok {
		return nil, ports.Invalid("sealed", "wrong context")
	}
	return []byte(rest), nil
}

type events struct{ got []string }

func (e *events) Publish(_ context.Context, _, event string, _ any) error {
	e.got = append(e.got, event)
	return nil
}

type bundle struct {
	svc    *onboarding.Service
	store  *memStore
	events *events
	me     onboarding.Caller
	other  onboarding.Caller
	orgID  string
}

func setup(t *testing.T) bundle {
	t.Helper()
	orgID := ports.NewID()
	st := &memStore{orgs: map[string]onboarding.Organization{orgID: {ID: orgID, PartnerID: "p1", ProviderID: "acme-42"}},
		obs: map[string]onboarding.Onboarding{}}
	ev := &events{}
	svc := onboarding.NewService(onboarding.Deps{UnitOfWork: memUoW{}, Store: st, Providers: providers{}, Guard: guard{},
		Sealer: plainSealer{}, Publisher: ev, Clock: ports.SystemClock{}})
	return bundle{svc: svc, store: st, events: ev, me: onboarding.Caller{TenantID: "t1", PartnerID: "p1"},
		other: onboarding.Caller{TenantID: "t1", PartnerID: "p2"}, orgID: orgID}
}

func stateOf(t *testing.T, entry string) string {
	u, err := url.Parse(entry)
	require.NoError(t, err)
	return u.Query().Get("state")
}

func fieldOf(t *testing.T, err error) string {
	t.Helper()
	e := ports.AsError(err)
	require.NotNil(t, e, "%v", err)
	require.ErrorIs(t, err, ports.ErrInvalid)
	return e.Fields[0].Field
}

func TestJourney(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()

	pos, err := b.svc.Begin(ctx, b.me, onboarding.Start{OrgID: b.orgID, Source: "square", Type: "pos", ReturnURL: "https://partner.example/cb"})
	require.NoError(t, err)
	require.Equal(t, onboarding.StatusPending, pos.Status)
	require.Equal(t, "acme-42", pos.PartnerOrgID)
	state := stateOf(t, pos.EntryURL)
	require.GreaterOrEqual(t, len(state), 43, "a fresh 256-bit state")
	again, _ := b.svc.Begin(ctx, b.me, onboarding.Start{OrgID: b.orgID, Source: "square", Type: "pos", ReturnURL: "https://partner.example/cb"})
	require.NotEqual(t, state, stateOf(t, again.EntryURL), "a fresh state per onboarding")
	require.NotContains(t, b.store.obs[pos.ID].SealedAuth, "verifier\":\"\"")

	_, err = b.svc.Complete(ctx, b.me, pos.ID, "code-for-"+state, "not-the-state")
	require.Equal(t, "state", fieldOf(t, err))
	_, _, err = b.svc.ProviderLocations(ctx, b.me, pos.ID)
	require.ErrorIs(t, err, ports.ErrConflict, "not active yet")

	done, err := b.svc.Complete(ctx, b.me, pos.ID, "code-for-"+state, state)
	require.NoError(t, err)
	require.Equal(t, onboarding.StatusActive, done.Status)
	require.Equal(t, "m-1", done.MerchantID)
	require.NotEmpty(t, done.IntegrationID)
	_, err = b.svc.Complete(ctx, b.me, pos.ID, "code-for-"+state, "")
	require.ErrorIs(t, err, ports.ErrConflict, "a code works once")

	_, ls, err := b.svc.ProviderLocations(ctx, b.me, pos.ID)
	require.NoError(t, err)
	require.Len(t, ls, 2)
	_, err = b.svc.Ingest(ctx, b.me, pos.ID, []onboarding.IngestItem{{ProviderID: "pos-1"}, {ProviderID: "nope"}})
	require.Equal(t, "locations[1].provider_id", fieldOf(t, err))
	require.Contains(t, ports.AsError(err).Fields[0].Reason, "nope")
	in, err := b.svc.Ingest(ctx, b.me, pos.ID, []onboarding.IngestItem{{ProviderID: "pos-1"}})
	require.NoError(t, err)
	require.Len(t, in, 1)
	twice, err := b.svc.Ingest(ctx, b.me, pos.ID, []onboarding.IngestItem{{ProviderID: "pos-1"}})
	require.NoError(t, err)
	require.Equal(t, in[0].ID, twice[0].ID, "ingesting again keeps the location")

	dsp, err := b.svc.Begin(ctx, b.me, onboarding.Start{OrgID: b.orgID, Source: "ubereats", Type: "dsp", ReturnURL: "https://partner.example/cb"})
	require.NoError(t, err)
	_, err = b.svc.Complete(ctx, b.me, dsp.ID, "code-for-"+stateOf(t, dsp.EntryURL), "")
	require.NoError(t, err)
	_, err = b.svc.Bind(ctx, b.me, dsp.ID, []onboarding.BindItem{{POSLocationID: ports.NewID(), DSPProviderID: "store-1"}})
	require.Equal(t, "locations[0].pos_location_id", fieldOf(t, err))
	_, err = b.svc.Bind(ctx, b.me, dsp.ID, []onboarding.BindItem{{POSLocationID: in[0].ID, DSPProviderID: "store-x"}})
	require.Equal(t, "locations[0].dsp_provider_id", fieldOf(t, err))
	_, err = b.svc.Ingest(ctx, b.me, dsp.ID, []onboarding.IngestItem{{ProviderID: "store-1"}})
	require.Equal(t, "onboarding_id", fieldOf(t, err))
	bound, err := b.svc.Bind(ctx, b.me, dsp.ID, []onboarding.BindItem{{POSLocationID: in[0].ID, DSPProviderID: "store-1"}})
	require.NoError(t, err)
	require.Equal(t, "APPROVED", bound[0].Status)
	require.Equal(t, "Store One", bound[0].StoreName, "the DSP's name when none is given")

	menus, err := b.svc.AssignMenus(ctx, b.me, b.orgID, bound[0].ID, []string{"menu-a"})
	require.NoError(t, err)
	require.Equal(t, []string{"menu-a"}, menus)
	_, err = b.svc.AssignMenus(ctx, b.me, b.orgID, bound[0].ID, []string{"menu-z"})
	require.Equal(t, "menu_provider_ids[0]", fieldOf(t, err))
	menus, err = b.svc.AssignMenus(ctx, b.me, b.orgID, bound[0].ID, []string{})
	require.NoError(t, err)
	require.NotNil(t, menus)
	require.Empty(t, menus)

	org, err := b.svc.OrgLocations(ctx, b.me, b.orgID, "")
	require.NoError(t, err)
	require.Len(t, org, 1)
	require.Len(t, org[0].DSPs, 1)
	require.Equal(t, []string{"onboarding.status_changed", "onboarding.status_changed", "locations.bound"}, b.events.got)

	// Another partner sees none of it.
	_, err = b.svc.Get(ctx, b.other, pos.ID)
	require.ErrorIs(t, err, ports.ErrNotFound)
	_, err = b.svc.OrgLocations(ctx, b.other, b.orgID, "")
	require.ErrorIs(t, err, ports.ErrNotFound)
	_, err = b.svc.Begin(ctx, b.other, onboarding.Start{OrgID: b.orgID, Source: "square", Type: "pos", ReturnURL: "https://partner.example/cb"})
	require.ErrorIs(t, err, ports.ErrNotFound)
	_, err = b.svc.AssignMenus(ctx, b.other, b.orgID, bound[0].ID, []string{})
	require.ErrorIs(t, err, ports.ErrNotFound)
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	for _, c := range []struct {
		in    onboarding.Start
		field string
	}{
		{onboarding.Start{OrgID: "x", Source: "square", Type: "pos", ReturnURL: "https://p.example"}, "org_id"},
		{onboarding.Start{OrgID: b.orgID, Source: "Square!", Type: "pos", ReturnURL: "https://p.example"}, "source"},
		{onboarding.Start{OrgID: b.orgID, Source: "square", Type: "kiosk", ReturnURL: "https://p.example"}, "type"},
		{onboarding.Start{OrgID: b.orgID, Source: "square", Type: "pos", ReturnURL: "javascript:alert(1)"}, "return_url"},
		{onboarding.Start{OrgID: b.orgID, Source: "unknown", Type: "pos", ReturnURL: "https://p.example"}, "source"},
	} {
		_, err := b.svc.Begin(ctx, b.me, c.in)
		require.Equal(t, c.field, fieldOf(t, err))
	}

	// A refused code fails the onboarding for good.
	o, err := b.svc.Begin(ctx, b.me, onboarding.Start{OrgID: b.orgID, Source: "square", Type: "pos", ReturnURL: "https://p.example"})
	require.NoError(t, err)
	failed, err := b.svc.Complete(ctx, b.me, o.ID, "wrong", "")
	require.Equal(t, "code", fieldOf(t, err))
	require.Equal(t, onboarding.StatusFailed, failed.Status)
	_, err = b.svc.Complete(ctx, b.me, o.ID, "code-for-"+stateOf(t, o.EntryURL), "")
	require.ErrorIs(t, err, ports.ErrConflict)
	_, err = b.svc.Complete(ctx, b.me, o.ID, "", "")
	require.Equal(t, "code", fieldOf(t, err))
	_, err = b.svc.Get(ctx, b.me, "not-an-id")
	require.ErrorIs(t, err, ports.ErrNotFound)
}
