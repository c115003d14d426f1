package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/onboarding"
	"github.com/stvos/stvos/ports"
)

// OnboardingStore implements onboarding.Store. Every query names the tenant (row-level security
// checks it again) and the partner, so another partner's rows are not found.
type OnboardingStore struct{}

var _ onboarding.Store = OnboardingStore{}

const onboardingColumns = `tenant_id, id, partner_id, org_id, partner_org_id, type, source, status, merchant_id, integration_id,
	entry_url, return_url, sealed_auth, sealed_connection, created_at, updated_at`

func scanOnboarding(row pgx.Row) (onboarding.Onboarding, error) {
	var o onboarding.Onboarding
	err := row.Scan(&o.TenantID, &o.ID, &o.PartnerID, &o.OrgID, &o.PartnerOrgID, &o.Type, &o.Source, &o.Status, &o.MerchantID,
		&o.IntegrationID, &o.EntryURL, &o.ReturnURL, &o.SealedAuth, &o.SealedConnection, &o.CreatedAt, &o.UpdatedAt)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, err
}

// Organization implements onboarding.Store.
func (OnboardingStore) Organization(ctx context.Context, partnerID, orgID string) (onboarding.Organization, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return onboarding.Organization{}, err
	}
	var o onboarding.Organization
	err = tx.QueryRow(ctx, `SELECT id, partner_id, provider_id FROM organizations
		WHERE tenant_id = app_tenant_id() AND partner_id = $1 AND id = $2`, partnerID, orgID).Scan(&o.ID, &o.PartnerID, &o.ProviderID)
	return o, translate(err, "organization")
}

// CreateOnboarding implements onboarding.Store.
func (OnboardingStore) CreateOnboarding(ctx context.Context, o onboarding.Onboarding) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO onboardings (`+onboardingColumns+`)
		VALUES (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		o.ID, o.PartnerID, o.OrgID, o.PartnerOrgID, o.Type, o.Source, o.Status, o.MerchantID, o.IntegrationID, o.EntryURL, o.ReturnURL,
		o.SealedAuth, o.SealedConnection, o.CreatedAt, o.UpdatedAt)
	return translate(err, "organization")
}

func (OnboardingStore) onboarding(ctx context.Context, partnerID, id, lock string) (onboarding.Onboarding, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return onboarding.Onboarding{}, err
	}
	o, err := scanOnboarding(tx.QueryRow(ctx, `SELECT `+onboardingColumns+` FROM onboardings
		WHERE tenant_id = app_tenant_id() AND partner_id = $1 AND id = $2`+lock, partnerID, id))
	return o, translate(err, "onboarding")
}

// Onboarding implements onboarding.Store.
func (s OnboardingStore) Onboarding(ctx context.Context, partnerID, id string) (onboarding.Onboarding, error) {
	return s.onboarding(ctx, partnerID, id, "")
}

// LockOnboarding implements onboarding.Store.
func (s OnboardingStore) LockOnboarding(ctx context.Context, partnerID, id string) (onboarding.Onboarding, error) {
	return s.onboarding(ctx, partnerID, id, " FOR UPDATE")
}

// UpdateOnboarding implements onboarding.Store: status, merchant, integration and the sealed
// values change; who owns it never does.
func (OnboardingStore) UpdateOnboarding(ctx context.Context, o onboarding.Onboarding) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE onboardings SET status = $3, merchant_id = $4, integration_id = $5, sealed_auth = $6,
		sealed_connection = $7, updated_at = $8
		WHERE tenant_id = app_tenant_id() AND partner_id = $1 AND id = $2`,
		o.PartnerID, o.ID, o.Status, o.MerchantID, o.IntegrationID, o.SealedAuth, o.SealedConnection, o.UpdatedAt)
	if err != nil {
		return translate(err, "onboarding")
	}
	if tag.RowsAffected() == 0 {
		return ports.NotFound("onboarding")
	}
	return nil
}

// address is a location's address as stored (jsonb).
type address struct {
	FormattedAddress             string  `json:"formatted_address,omitempty"`
	AddressLine1                 string  `json:"address_line_1,omitempty"`
	AddressLine2                 string  `json:"address_line_2,omitempty"`
	AddressLine3                 string  `json:"address_line_3,omitempty"`
	PostalCode                   string  `json:"postal_code,omitempty"`
	Locality                     string  `json:"locality,omitempty"`
	AdministrativeDistrictLevel1 string  `json:"administrative_district_level_1,omitempty"`
	Country                      string  `json:"country,omitempty"`
	Latitude                     float64 `json:"latitude,omitempty"`
	Longitude                    float64 `json:"longitude,omitempty"`
}

// IngestLocations implements onboarding.Store. A location already ingested (same organization,
// source and provider id) is kept as it is and answered.
func (OnboardingStore) IngestLocations(ctx context.Context, ls []onboarding.Location) ([]onboarding.Location, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]onboarding.Location, 0, len(ls))
	for _, l := range ls {
		addr, err := json.Marshal(address(l.Address))
		if err != nil {
			return nil, err
		}
		var id string
		var created time.Time
		err = tx.QueryRow(ctx, `WITH ins AS (
				INSERT INTO onboarding_locations (tenant_id, id, partner_id, org_id, onboarding_id, provider_id, name, source, status, address, created_at)
				VALUES (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
				ON CONFLICT (tenant_id, org_id, source, provider_id) DO NOTHING
				RETURNING id, created_at)
			SELECT id, created_at FROM ins
			UNION ALL
			SELECT id, created_at FROM onboarding_locations
			WHERE tenant_id = app_tenant_id() AND partner_id = $2 AND org_id = $3 AND source = $7 AND provider_id = $5
			LIMIT 1`,
			l.ID, l.PartnerID, l.OrgID, l.OnboardingID, l.ProviderID, l.Name, l.Source, l.Status, addr, l.CreatedAt).Scan(&id, &created)
		if err != nil {
			return nil, translate(err, "organization")
		}
		l.ID, l.CreatedAt = id, created.UTC()
		out = append(out, l)
	}
	return out, nil
}

// Locations implements onboarding.Store, in a stable order (creation, then id), each with its
// DSP connections.
func (OnboardingStore) Locations(ctx context.Context, partnerID, orgID, locationID string) ([]onboarding.Location, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	filter, args := "", []any{partnerID, orgID}
	if locationID != "" {
		filter, args = " AND id = $3", append(args, locationID)
	}
	rows, err := tx.Query(ctx, `SELECT id, partner_id, org_id, onboarding_id, provider_id, name, source, status, address, created_at
		FROM onboarding_locations WHERE tenant_id = app_tenant_id() AND partner_id = $1 AND org_id = $2`+filter+`
		ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, translate(err, "location")
	}
	out := []onboarding.Location{}
	index := map[string]int{}
	for rows.Next() {
		var l onboarding.Location
		var addr []byte
		if err := rows.Scan(&l.ID, &l.PartnerID, &l.OrgID, &l.OnboardingID, &l.ProviderID, &l.Name, &l.Source, &l.Status, &addr, &l.CreatedAt); err != nil {
			rows.Close()
			return nil, translate(err, "location")
		}
		var a address
		if err := json.Unmarshal(addr, &a); err != nil {
			rows.Close()
			return nil, err
		}
		l.Address, l.CreatedAt, l.DSPs = ports.Address(a), l.CreatedAt.UTC(), []onboarding.DSPConnection{}
		index[l.ID] = len(out)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, "location")
	}
	if len(out) == 0 {
		return out, nil
	}
	dsps, err := queryDSPs(ctx, tx, `partner_id = $1 AND org_id = $2`+filter2(locationID), args...)
	if err != nil {
		return nil, err
	}
	for _, d := range dsps {
		if i, ok := index[d.LocationID]; ok {
			out[i].DSPs = append(out[i].DSPs, d)
		}
	}
	return out, nil
}

func filter2(locationID string) string {
	if locationID != "" {
		return " AND location_id = $3"
	}
	return ""
}

const dspColumns = `id, partner_id, org_id, location_id, onboarding_id, source, provider_id, store_name, status, menu_ids, change_time`

func queryDSPs(ctx context.Context, tx querier, where string, args ...any) ([]onboarding.DSPConnection, error) {
	rows, err := tx.Query(ctx, `SELECT `+dspColumns+` FROM dsp_connections WHERE tenant_id = app_tenant_id() AND `+where+`
		ORDER BY change_time, id`, args...)
	if err != nil {
		return nil, translate(err, "DSP connection")
	}
	out := []onboarding.DSPConnection{}
	for rows.Next() {
		d, err := scanDSP(rows)
		if err != nil {
			rows.Close()
			return nil, translate(err, "DSP connection")
		}
		out = append(out, d)
	}
	return out, translate(rows.Err(), "DSP connection")
}

func scanDSP(row pgx.Row) (onboarding.DSPConnection, error) {
	var d onboarding.DSPConnection
	err := row.Scan(&d.ID, &d.PartnerID, &d.OrgID, &d.LocationID, &d.OnboardingID, &d.Source, &d.ProviderID, &d.StoreName, &d.Status,
		&d.MenuIDs, &d.ChangeTime)
	if d.MenuIDs == nil {
		d.MenuIDs = []string{}
	}
	d.ChangeTime = d.ChangeTime.UTC()
	return d, err
}

// BindDSPs implements onboarding.Store. A store already bound to the location from the source
// keeps its id and menus and is approved again (status and change_time move only when the
// status changes).
func (OnboardingStore) BindDSPs(ctx context.Context, ds []onboarding.DSPConnection) ([]onboarding.DSPConnection, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]onboarding.DSPConnection, 0, len(ds))
	for _, d := range ds {
		menus := d.MenuIDs
		if menus == nil {
			menus = []string{}
		}
		got, err := scanDSP(tx.QueryRow(ctx, `INSERT INTO dsp_connections (tenant_id, `+dspColumns+`)
			SELECT app_tenant_id(), $1, $2, $3, l.id, $5, $6, $7, $8, $9, $10, $11
			FROM onboarding_locations l
			WHERE l.tenant_id = app_tenant_id() AND l.partner_id = $2 AND l.org_id = $3 AND l.id = $4
			ON CONFLICT (tenant_id, location_id, source, provider_id) DO UPDATE
			SET store_name = EXCLUDED.store_name, status = EXCLUDED.status,
				change_time = CASE WHEN dsp_connections.status = EXCLUDED.status THEN dsp_connections.change_time ELSE EXCLUDED.change_time END
			WHERE dsp_connections.partner_id = EXCLUDED.partner_id
			RETURNING `+dspColumns,
			d.ID, d.PartnerID, d.OrgID, d.LocationID, d.OnboardingID, d.Source, d.ProviderID, d.StoreName, d.Status, menus, d.ChangeTime))
		if err != nil {
			return nil, translate(err, "location")
		}
		out = append(out, got)
	}
	return out, nil
}

// LockDSP implements onboarding.Store.
func (OnboardingStore) LockDSP(ctx context.Context, partnerID, orgID, id string) (onboarding.DSPConnection, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return onboarding.DSPConnection{}, err
	}
	d, err := scanDSP(tx.QueryRow(ctx, `SELECT `+dspColumns+` FROM dsp_connections
		WHERE tenant_id = app_tenant_id() AND partner_id = $1 AND org_id = $2 AND id = $3 FOR UPDATE`, partnerID, orgID, id))
	return d, translate(err, "DSP connection")
}

// SetMenus implements onboarding.Store: the list replaces the assignment as a whole.
func (OnboardingStore) SetMenus(ctx context.Context, partnerID, id string, menuIDs []string, at time.Time) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	if menuIDs == nil {
		menuIDs = []string{}
	}
	tag, err := tx.Exec(ctx, `UPDATE dsp_connections SET menu_ids = $3, change_time = $4
		WHERE tenant_id = app_tenant_id() AND partner_id = $1 AND id = $2`, partnerID, id, menuIDs, at)
	if err != nil {
		return translate(err, "DSP connection")
	}
	if tag.RowsAffected() == 0 {
		return ports.NotFound("DSP connection")
	}
	return nil
}
