package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/core/staff"
	"github.com/stvos/stvos/core/tenant"
)

// TenantStore implements tenant.Store and tenant.StringsStore.
type TenantStore struct{}

var (
	_ tenant.Store          = TenantStore{}
	_ tenant.StringsStore   = TenantStore{}
	_ partner.TenantChecker = TenantStore{}
	_ staff.TenantStatus    = TenantStore{}
)

// branding is the JSON form of tenant.Branding in the branding column.
type branding struct {
	DisplayName    string `json:"display_name,omitempty"`
	PrimaryColor   string `json:"primary_color,omitempty"`
	SecondaryColor string `json:"secondary_color,omitempty"`
	LogoURL        string `json:"logo_url,omitempty"`
}

type rateLimit struct {
	RequestsPerMinute int `json:"requests_per_minute,omitempty"`
	Burst             int `json:"burst,omitempty"`
}

type billing struct {
	TaxRate            int    `json:"tax_rate_bps,omitempty"`
	UpgradeEffective   string `json:"upgrade_effective,omitempty"`
	DowngradeEffective string `json:"downgrade_effective,omitempty"`
}

const tenantColumns = `id, slug, name, status, branding, features, adapters, rate_limit, billing, version, created_at, updated_at`

func scanTenant(row pgx.Row) (tenant.Tenant, error) {
	var (
		t  tenant.Tenant
		b  branding
		rl rateLimit
		bl billing
	)
	err := row.Scan(&t.ID, &t.Slug, &t.Name, &t.Status, &b, &t.Features, &t.Adapters, &rl, &bl, &t.Version, &t.CreatedAt, &t.UpdatedAt)
	t.Branding = tenant.Branding(b)
	t.Billing = tenant.Billing(bl)
	t.RateLimit = tenant.RateLimit(rl)
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return t, err
}

// Create inserts a tenant.
func (TenantStore) Create(ctx context.Context, t tenant.Tenant) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO tenants (`+tenantColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
		t.ID, t.Slug, t.Name, t.Status, branding(t.Branding), t.Features, t.Adapters, rateLimit(t.RateLimit), billing(t.Billing), t.Version,
		t.CreatedAt, t.UpdatedAt)
	return translate(err, "tenant")
}

// Get loads a tenant.
func (TenantStore) Get(ctx context.Context, id string) (tenant.Tenant, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return tenant.Tenant{}, err
	}
	t, err := scanTenant(tx.QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = $1`, id))
	return t, translate(err, "tenant")
}

// Exists reports whether the tenant is visible in the current scope.
func (TenantStore) Exists(ctx context.Context, id string) (bool, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return false, err
	}
	var ok bool
	err = tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tenants WHERE id = $1)`, id).Scan(&ok)
	return ok, translate(err, "tenant")
}

// TenantActive reports whether the tenant is active (false when it is not visible).
func (TenantStore) TenantActive(ctx context.Context, id string) (bool, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return false, err
	}
	var ok bool
	err = tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tenants WHERE id = $1 AND status = 'active')`, id).Scan(&ok)
	return ok, translate(err, "tenant")
}

// List returns tenants ordered by id.
func (TenantStore) List(ctx context.Context, after string, limit int) ([]tenant.Tenant, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT `+tenantColumns+` FROM tenants
		WHERE ($1 = '' OR id > $1::uuid) ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, translate(err, "tenant")
	}
	ts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (tenant.Tenant, error) { return scanTenant(r) })
	return ts, translate(err, "tenant")
}

// Update locks, changes and saves a tenant.
func (s TenantStore) Update(ctx context.Context, id string, fn func(*tenant.Tenant) error) (tenant.Tenant, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return tenant.Tenant{}, err
	}
	t, err := scanTenant(tx.QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = $1 FOR UPDATE`, id))
	if err != nil {
		return tenant.Tenant{}, translate(err, "tenant")
	}
	if err := fn(&t); err != nil {
		return tenant.Tenant{}, err
	}
	_, err = tx.Exec(ctx, `UPDATE tenants SET name=$2, status=$3, branding=$4, features=$5, adapters=$6, rate_limit=$7,
		billing=$8, version=$9, updated_at=$10 WHERE id=$1`,
		t.ID, t.Name, t.Status, branding(t.Branding), t.Features, t.Adapters, rateLimit(t.RateLimit), billing(t.Billing), t.Version,
		t.UpdatedAt)
	return t, translate(err, "tenant")
}

const keyColumns = `id, tenant_id, name, prefix, hash, created_at, last_used_at, revoked_at`

func scanKey(row pgx.Row) (tenant.APIKey, error) {
	var k tenant.APIKey
	err := row.Scan(&k.ID, &k.TenantID, &k.Name, &k.Prefix, &k.Hash, &k.CreatedAt, &k.LastUsedAt, &k.RevokedAt)
	k.CreatedAt = k.CreatedAt.UTC()
	k.LastUsedAt, k.RevokedAt = utcPtr(k.LastUsedAt), utcPtr(k.RevokedAt)
	return k, err
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// CreateKey inserts an API key.
func (TenantStore) CreateKey(ctx context.Context, k tenant.APIKey) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO api_keys (`+keyColumns+`) VALUES ($1,$2,$3,$4,$5,$6,NULL,NULL)`,
		k.ID, k.TenantID, k.Name, k.Prefix, k.Hash, k.CreatedAt)
	return translate(err, "api key")
}

// ListKeys returns a tenant's keys, newest first.
func (TenantStore) ListKeys(ctx context.Context, tenantID string) ([]tenant.APIKey, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE tenant_id = $1 ORDER BY id DESC`, tenantID)
	if err != nil {
		return nil, translate(err, "api key")
	}
	ks, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (tenant.APIKey, error) { return scanKey(r) })
	return ks, translate(err, "api key")
}

// RevokeKey marks a key revoked, keeping the first revocation time.
func (TenantStore) RevokeKey(ctx context.Context, tenantID, keyID string) (tenant.APIKey, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return tenant.APIKey{}, err
	}
	k, err := scanKey(tx.QueryRow(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
		WHERE tenant_id = $1 AND id = $2 RETURNING `+keyColumns, tenantID, keyID))
	return k, translate(err, "api key")
}

// KeyByPrefix finds a key of the current tenant by its public prefix.
func (TenantStore) KeyByPrefix(ctx context.Context, prefix string) (tenant.APIKey, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return tenant.APIKey{}, err
	}
	k, err := scanKey(tx.QueryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE tenant_id = app_tenant_id() AND prefix = $1`, prefix))
	return k, translate(err, "api key")
}

// TouchKey records a use of the key unless a later one is recorded.
func (TenantStore) TouchKey(ctx context.Context, tenantID, keyID string, at time.Time) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE api_keys SET last_used_at = $3 WHERE tenant_id = $1 AND id = $2
		AND (last_used_at IS NULL OR last_used_at < $3)`, tenantID, keyID, at)
	return translate(err, "api key")
}

// Strings returns the tenant's content strings.
func (TenantStore) Strings(ctx context.Context, tenantID string) (map[string]string, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT key, value FROM content_strings WHERE tenant_id = $1`, tenantID)
	if err != nil {
		return nil, translate(err, "content strings")
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, translate(err, "content strings")
		}
		out[k] = v
	}
	return out, translate(rows.Err(), "content strings")
}

// MergeStrings upserts the given strings, leaving others as they are.
func (TenantStore) MergeStrings(ctx context.Context, tenantID string, s map[string]string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	keys, vals := make([]string, 0, len(s)), make([]string, 0, len(s))
	for k, v := range s {
		keys, vals = append(keys, k), append(vals, v)
	}
	_, err = tx.Exec(ctx, `INSERT INTO content_strings (tenant_id, key, value, updated_at)
		SELECT $1, k, v, now() FROM unnest($2::text[], $3::text[]) AS u(k, v)
		ON CONFLICT (tenant_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, tenantID, keys, vals)
	return translate(err, "content strings")
}
