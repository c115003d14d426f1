package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/organization"
)

// OrganizationStore implements organization.Store.
type OrganizationStore struct{}

var _ organization.Store = OrganizationStore{}

const organizationColumns = `tenant_id, id, partner_id, name, provider_id, created_at`

func scanOrganization(row pgx.Row) (organization.Organization, error) {
	var o organization.Organization
	err := row.Scan(&o.TenantID, &o.ID, &o.PartnerID, &o.Name, &o.ProviderID, &o.CreatedAt)
	o.CreatedAt = o.CreatedAt.UTC()
	return o, err
}

// Create inserts an organization.
func (OrganizationStore) Create(ctx context.Context, o organization.Organization) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO organizations (`+organizationColumns+`) VALUES ($1,$2,$3,$4,$5,$6)`,
		o.TenantID, o.ID, o.PartnerID, o.Name, o.ProviderID, o.CreatedAt)
	return translate(err, "partner")
}

// Get loads an organization of the current tenant.
func (OrganizationStore) Get(ctx context.Context, id string) (organization.Organization, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return organization.Organization{}, err
	}
	o, err := scanOrganization(tx.QueryRow(ctx, `SELECT `+organizationColumns+` FROM organizations
		WHERE tenant_id = app_tenant_id() AND id = $1`, id))
	return o, translate(err, "organization")
}

// ByProviderID finds the partner's organization with the provider id.
func (OrganizationStore) ByProviderID(ctx context.Context, partnerID, providerID string) (organization.Organization, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return organization.Organization{}, err
	}
	o, err := scanOrganization(tx.QueryRow(ctx, `SELECT `+organizationColumns+` FROM organizations
		WHERE tenant_id = app_tenant_id() AND partner_id = $1 AND provider_id = $2`, partnerID, providerID))
	return o, translate(err, "organization")
}

// SetMember adds a user to an organization or changes their role.
func (OrganizationStore) SetMember(ctx context.Context, m organization.Member) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO organization_users (tenant_id, org_id, user_id, role, created_at) VALUES ($1,$2,$3,$4,$5)
		ON CONFLICT (tenant_id, org_id, user_id) DO UPDATE SET role = EXCLUDED.role`, m.TenantID, m.OrgID, m.UserID, m.Role, m.CreatedAt)
	return translate(err, "organization")
}

// Members lists an organization's people, oldest first.
func (OrganizationStore) Members(ctx context.Context, orgID string) ([]organization.Member, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT tenant_id, org_id, user_id, role, created_at FROM organization_users
		WHERE tenant_id = app_tenant_id() AND org_id = $1 ORDER BY created_at, user_id`, orgID)
	if err != nil {
		return nil, translate(err, "organization")
	}
	ms, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (organization.Member, error) {
		var m organization.Member
		err := r.Scan(&m.TenantID, &m.OrgID, &m.UserID, &m.Role, &m.CreatedAt)
		m.CreatedAt = m.CreatedAt.UTC()
		return m, err
	})
	return ms, translate(err, "organization")
}
