package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/plan"
)

// PlanStore implements plan.Store.
type PlanStore struct{}

var _ plan.Store = PlanStore{}

const planColumns = `tenant_id, id, name, description, price_minor, price_digits, currency, billing_cycle, max_profiles,
	max_concurrent_streams, max_devices, max_quality, has_downloads, allow_download_count, has_ads, has_hdr, has_dolby_atmos,
	trial_days, is_active, created_at, updated_at, version`

func scanPlan(row pgx.Row) (plan.Plan, error) {
	var p plan.Plan
	err := row.Scan(&p.TenantID, &p.ID, &p.Name, &p.Description, &p.Price.Minor, &p.Price.Digits, &p.Price.Currency, &p.BillingCycle,
		&p.MaxProfiles, &p.MaxConcurrentStreams, &p.MaxDevices, &p.MaxQuality, &p.HasDownloads, &p.AllowDownloadCount, &p.HasAds,
		&p.HasHDR, &p.HasDolbyAtmos, &p.TrialDays, &p.IsActive, &p.CreatedAt, &p.UpdatedAt, &p.Version)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

// Create inserts a plan.
func (PlanStore) Create(ctx context.Context, p plan.Plan) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO plans (`+planColumns+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)`,
		p.TenantID, p.ID, p.Name, p.Description, p.Price.Minor, p.Price.Digits, p.Price.Currency, p.BillingCycle, p.MaxProfiles,
		p.MaxConcurrentStreams, p.MaxDevices, p.MaxQuality, p.HasDownloads, p.AllowDownloadCount, p.HasAds, p.HasHDR, p.HasDolbyAtmos,
		p.TrialDays, p.IsActive, p.CreatedAt, p.UpdatedAt, p.Version)
	return translate(err, "plan")
}

// Get loads a plan of the tenant.
func (PlanStore) Get(ctx context.Context, id string, forUpdate bool) (plan.Plan, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return plan.Plan{}, err
	}
	lock := ""
	if forUpdate {
		lock = " FOR UPDATE"
	}
	p, err := scanPlan(tx.QueryRow(ctx, `SELECT `+planColumns+` FROM plans WHERE tenant_id = app_tenant_id() AND id = $1`+lock, id))
	return p, translate(err, "plan")
}

// Save stores a plan's fields.
func (PlanStore) Save(ctx context.Context, p plan.Plan) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE plans SET name=$2, description=$3, price_minor=$4, price_digits=$5, currency=$6, billing_cycle=$7,
		max_profiles=$8, max_concurrent_streams=$9, max_devices=$10, max_quality=$11, has_downloads=$12, allow_download_count=$13,
		has_ads=$14, has_hdr=$15, has_dolby_atmos=$16, trial_days=$17, is_active=$18, updated_at=$19, version=$20
		WHERE tenant_id = app_tenant_id() AND id = $1`,
		p.ID, p.Name, p.Description, p.Price.Minor, p.Price.Digits, p.Price.Currency, p.BillingCycle, p.MaxProfiles,
		p.MaxConcurrentStreams, p.MaxDevices, p.MaxQuality, p.HasDownloads, p.AllowDownloadCount, p.HasAds, p.HasHDR, p.HasDolbyAtmos,
		p.TrialDays, p.IsActive, p.UpdatedAt, p.Version)
	return translate(err, "plan")
}

// List returns up to limit plans after the given id, in id order (creation order: ids are
// UUIDv7), active ones only when activeOnly.
func (PlanStore) List(ctx context.Context, activeOnly bool, after string, limit int) ([]plan.Plan, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	// An empty cursor compares as the smallest uuid, so one statement serves every page.
	if after == "" {
		after = "00000000-0000-0000-0000-000000000000"
	}
	active := ""
	if activeOnly {
		active = " AND is_active" // the plans_active index
	}
	rows, err := tx.Query(ctx, `SELECT `+planColumns+` FROM plans
		WHERE tenant_id = app_tenant_id() AND id > $1::uuid`+active+` ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, translate(err, "plan")
	}
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (plan.Plan, error) { return scanPlan(r) })
	return ps, translate(err, "plan")
}
