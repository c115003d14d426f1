package onboarding

import (
	"context"
	"fmt"

	"github.com/stvos/stvos/ports"
)

// ProviderLocations lists the locations the provider shows for an active onboarding: POS
// locations, or DSP stores.
func (s *Service) ProviderLocations(ctx context.Context, c Caller, onboardingID string) (Onboarding, []ports.ProviderLocation, error) {
	o, err := s.getForField(ctx, c, onboardingID)
	if err != nil {
		return o, nil, err
	}
	p, conn, err := s.connection(ctx, o)
	if err != nil {
		return o, nil, err
	}
	ls, err := p.Locations(ctx, conn)
	return o, ls, err
}

// getForField reads an onboarding named in a body or query (onboarding_id).
func (s *Service) getForField(ctx context.Context, c Caller, id string) (Onboarding, error) {
	if !ports.IsID(id) {
		return Onboarding{}, ports.NotFound("onboarding")
	}
	return s.Get(ctx, c, id)
}

// Ingest stores POS locations of an active pos onboarding as the organization's locations; every
// provider id must be one the provider lists.
func (s *Service) Ingest(ctx context.Context, c Caller, onboardingID string, items []IngestItem) ([]Location, error) {
	var v ports.Validation
	v.Check(len(items) > 0 && len(items) <= MaxBatch, "locations", fmt.Sprintf("must list 1 to %d locations", MaxBatch))
	seen := map[string]bool{}
	for i, it := range items {
		f := fmt.Sprintf("locations[%d].provider_id", i)
		if v.Check(it.ProviderID != "" && len(it.ProviderID) <= maxIDLength, f, "must be a provider location id (1 to 128 characters)") {
			v.Check(!seen[it.ProviderID], f, "is listed twice")
		}
		seen[it.ProviderID] = true
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	o, listed, err := s.ProviderLocations(ctx, c, onboardingID)
	if err != nil {
		return nil, err
	}
	if o.Type != TypePOS {
		return nil, ports.Invalid("onboarding_id", "must be a pos onboarding: DSP stores are bound, not ingested")
	}
	byID := make(map[string]ports.ProviderLocation, len(listed))
	for _, l := range listed {
		byID[l.ProviderID] = l
	}
	now := s.d.Clock.Now().UTC()
	ls := make([]Location, 0, len(items))
	for i, it := range items {
		pl, ok := byID[it.ProviderID]
		if !v.Check(ok, fmt.Sprintf("locations[%d].provider_id", i), "is not a location of the merchant at "+o.Source+": "+it.ProviderID) {
			continue
		}
		ls = append(ls, Location{ID: ports.NewID(), PartnerID: o.PartnerID, OrgID: o.OrgID, OnboardingID: o.ID, ProviderID: pl.ProviderID, Name: pl.Name,
			Source: o.Source, Status: LocationActive, Address: pl.Address, CreatedAt: now})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out []Location
	err = s.d.UnitOfWork.Do(ctx, ports.TenantScope(c.TenantID), func(ctx context.Context) error {
		if _, err := s.d.Store.LockOnboarding(ctx, c.PartnerID, o.ID); err != nil {
			return err
		}
		out, err = s.d.Store.IngestLocations(ctx, ls)
		return err
	})
	return out, err
}

// BoundEvent is the data of a locations.bound webhook.
type BoundEvent struct {
	OrgID        string       `json:"org_id"`
	OnboardingID string       `json:"onboarding_id"`
	Source       string       `json:"source"`
	Locations    []BoundEntry `json:"locations"`
}

// BoundEntry is one bound DSP store.
type BoundEntry struct {
	ID            string `json:"_id"`
	POSLocationID string `json:"pos_location_id"`
	DSPProviderID string `json:"dsp_provider_id"`
	DSPStoreName  string `json:"dsp_store_name"`
	Status        string `json:"status"`
}

// Bind binds DSP stores of an active dsp onboarding to locations of the same organization; every
// store must be one the DSP lists, every location one the organization has. Bound stores are
// approved at once.
func (s *Service) Bind(ctx context.Context, c Caller, onboardingID string, items []BindItem) ([]DSPConnection, error) {
	var v ports.Validation
	v.Check(len(items) > 0 && len(items) <= MaxBatch, "locations", fmt.Sprintf("must list 1 to %d locations", MaxBatch))
	for i, it := range items {
		v.Check(ports.IsID(it.POSLocationID), fmt.Sprintf("locations[%d].pos_location_id", i), "must be a location id (from ingest)")
		v.Check(it.DSPProviderID != "" && len(it.DSPProviderID) <= maxIDLength, fmt.Sprintf("locations[%d].dsp_provider_id", i),
			"must be a DSP store id (1 to 128 characters)")
		v.Check(len(it.DSPStoreName) <= maxNameLength, fmt.Sprintf("locations[%d].dsp_store_name", i), "must be at most 200 characters")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	o, listed, err := s.ProviderLocations(ctx, c, onboardingID)
	if err != nil {
		return nil, err
	}
	if o.Type != TypeDSP {
		return nil, ports.Invalid("onboarding_id", "must be a dsp onboarding: POS locations are ingested, not bound")
	}
	stores := make(map[string]ports.ProviderLocation, len(listed))
	for _, l := range listed {
		stores[l.ProviderID] = l
	}
	now := s.d.Clock.Now().UTC()
	var out []DSPConnection
	err = s.d.UnitOfWork.Do(ctx, ports.TenantScope(c.TenantID), func(ctx context.Context) error {
		if _, err := s.d.Store.LockOnboarding(ctx, c.PartnerID, o.ID); err != nil {
			return err
		}
		have, err := s.d.Store.Locations(ctx, c.PartnerID, o.OrgID, "")
		if err != nil {
			return err
		}
		known := make(map[string]bool, len(have))
		for _, l := range have {
			known[l.ID] = true
		}
		ds := make([]DSPConnection, 0, len(items))
		for i, it := range items {
			store, ok := stores[it.DSPProviderID]
			v.Check(ok, fmt.Sprintf("locations[%d].dsp_provider_id", i), "is not a store of the merchant at "+o.Source+": "+it.DSPProviderID)
			v.Check(known[it.POSLocationID], fmt.Sprintf("locations[%d].pos_location_id", i),
				"is not a location of the organization: "+it.POSLocationID)
			name := it.DSPStoreName
			if name == "" {
				name = store.Name
			}
			ds = append(ds, DSPConnection{ID: ports.NewID(), PartnerID: o.PartnerID, OrgID: o.OrgID, LocationID: it.POSLocationID, OnboardingID: o.ID, Source: o.Source,
				ProviderID: it.DSPProviderID, StoreName: name, Status: DSPApproved, MenuIDs: []string{}, ChangeTime: now})
		}
		if err := v.Err(); err != nil {
			return err
		}
		if out, err = s.d.Store.BindDSPs(ctx, ds); err != nil {
			return err
		}
		ev := BoundEvent{OrgID: o.OrgID, OnboardingID: o.ID, Source: o.Source, Locations: make([]BoundEntry, len(out))}
		for i, d := range out {
			ev.Locations[i] = BoundEntry{ID: d.ID, POSLocationID: d.LocationID, DSPProviderID: d.ProviderID, DSPStoreName: d.StoreName, Status: d.Status}
		}
		return s.d.Publisher.Publish(ctx, c.PartnerID, "locations.bound", ev)
	})
	return out, err
}

// AssignMenus replaces the menus assigned to a DSP connection of the organization; an empty list
// restores publishing every menu. When the location's POS lists menus, each id must be one of
// them. It answers the list assigned.
func (s *Service) AssignMenus(ctx context.Context, c Caller, orgID, dspID string, menuIDs []string) ([]string, error) {
	var v ports.Validation
	v.Check(ports.IsID(orgID), "org_id", "must be an organization id")
	v.Check(len(menuIDs) <= MaxMenus, "menu_provider_ids", fmt.Sprintf("must list at most %d menus", MaxMenus))
	seen := map[string]bool{}
	for i, m := range menuIDs {
		f := fmt.Sprintf("menu_provider_ids[%d]", i)
		if v.Check(m != "" && len(m) <= maxIDLength, f, "must be a menu provider id (1 to 128 characters)") {
			v.Check(!seen[m], f, "is listed twice")
		}
		seen[m] = true
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if !ports.IsID(dspID) {
		return nil, ports.NotFound("DSP connection")
	}
	out := append([]string{}, menuIDs...)
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(c.TenantID), func(ctx context.Context) error {
		if _, err := s.d.Store.Organization(ctx, c.PartnerID, orgID); err != nil {
			return err
		}
		d, err := s.d.Store.LockDSP(ctx, c.PartnerID, orgID, dspID)
		if err != nil {
			return err
		}
		if len(out) > 0 {
			if err := s.checkMenus(ctx, c, d, out); err != nil {
				return err
			}
		}
		return s.d.Store.SetMenus(ctx, c.PartnerID, d.ID, out, s.d.Clock.Now().UTC())
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkMenus refuses menu ids the POS of the connection's location does not list (when it lists
// any: a provider without a menus endpoint leaves the partner's catalog ids unchecked).
func (s *Service) checkMenus(ctx context.Context, c Caller, d DSPConnection, ids []string) error {
	ls, err := s.d.Store.Locations(ctx, c.PartnerID, d.OrgID, d.LocationID)
	if err != nil || len(ls) == 0 {
		return err
	}
	pos, err := s.d.Store.Onboarding(ctx, c.PartnerID, ls[0].OnboardingID)
	if err != nil {
		return err
	}
	p, conn, err := s.connection(ctx, pos)
	if err != nil {
		return err
	}
	menus, err := p.Menus(ctx, conn, ls[0].ProviderID)
	if err != nil || len(menus) == 0 {
		return err
	}
	known := make(map[string]bool, len(menus))
	for _, m := range menus {
		known[m.ProviderID] = true
	}
	var v ports.Validation
	for i, id := range ids {
		v.Check(known[id], fmt.Sprintf("menu_provider_ids[%d]", i), "is not a menu of the location at "+pos.Source+": "+id)
	}
	return v.Err()
}

// OrgLocations answers the organization's locations with their DSP connections; locationID, when
// given, narrows them to that one.
func (s *Service) OrgLocations(ctx context.Context, c Caller, orgID, locationID string) ([]Location, error) {
	if !ports.IsID(orgID) {
		return nil, ports.NotFound("organization")
	}
	if locationID != "" && !ports.IsID(locationID) {
		return nil, ports.Invalid("location_id", "must be a location id")
	}
	var out []Location
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(c.TenantID), func(ctx context.Context) error {
		if _, err := s.d.Store.Organization(ctx, c.PartnerID, orgID); err != nil {
			return err
		}
		var err error
		out, err = s.d.Store.Locations(ctx, c.PartnerID, orgID, locationID)
		return err
	})
	return out, err
}
