package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/ports"
)

// PartnerStore implements partner.Store.
type PartnerStore struct{}

var _ partner.Store = PartnerStore{}

// Create inserts a partner.
func (PartnerStore) Create(ctx context.Context, p partner.Partner) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO partners (tenant_id, id, name, status, created_at) VALUES ($1,$2,$3,$4,$5)`,
		p.TenantID, p.ID, p.Name, p.Status, p.CreatedAt)
	return translate(err, "partner")
}

func scanPartner(row pgx.Row) (partner.Partner, error) {
	var p partner.Partner
	err := row.Scan(&p.TenantID, &p.ID, &p.Name, &p.Status, &p.CreatedAt)
	p.CreatedAt = p.CreatedAt.UTC()
	return p, err
}

// Get loads a partner of the current tenant.
func (PartnerStore) Get(ctx context.Context, id string) (partner.Partner, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return partner.Partner{}, err
	}
	p, err := scanPartner(tx.QueryRow(ctx, `SELECT tenant_id, id, name, status, created_at FROM partners
		WHERE tenant_id = app_tenant_id() AND id = $1`, id))
	return p, translate(err, "partner")
}

// List returns a tenant's partners ordered by id.
func (PartnerStore) List(ctx context.Context, tenantID, after string, limit int) ([]partner.Partner, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT tenant_id, id, name, status, created_at FROM partners
		WHERE tenant_id = $1 AND ($2 = '' OR id > $2::uuid) ORDER BY id LIMIT $3`, tenantID, after, limit)
	if err != nil {
		return nil, translate(err, "partner")
	}
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (partner.Partner, error) { return scanPartner(r) })
	return ps, translate(err, "partner")
}

// CreateStaff inserts a staff account.
func (PartnerStore) CreateStaff(ctx context.Context, s partner.Staff) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO partner_staff (tenant_id, id, partner_id, email, name, role, password_hash, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, s.TenantID, s.ID, s.PartnerID, s.Email, s.Name, s.Role, s.PasswordHash, s.CreatedAt)
	return translate(err, "partner")
}

// ListStaff returns a partner's staff ordered by id.
func (PartnerStore) ListStaff(ctx context.Context, partnerID, after string, limit int) ([]partner.Staff, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT `+staffColumns+` FROM partner_staff
		WHERE tenant_id = app_tenant_id() AND partner_id = $1 AND ($2 = '' OR id > $2::uuid) ORDER BY id LIMIT $3`, partnerID, after, limit)
	if err != nil {
		return nil, translate(err, "staff")
	}
	ss, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (partner.Staff, error) { return scanStaff(r) })
	return ss, translate(err, "staff")
}

const staffColumns = `tenant_id, id, partner_id, email, name, role, password_hash, created_at`

func scanStaff(row pgx.Row) (partner.Staff, error) {
	var s partner.Staff
	err := row.Scan(&s.TenantID, &s.ID, &s.PartnerID, &s.Email, &s.Name, &s.Role, &s.PasswordHash, &s.CreatedAt)
	s.CreatedAt = s.CreatedAt.UTC()
	return s, err
}

// StaffByEmail finds a staff member of the current tenant by email.
func (PartnerStore) StaffByEmail(ctx context.Context, email string) (partner.Staff, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return partner.Staff{}, err
	}
	s, err := scanStaff(tx.QueryRow(ctx, `SELECT `+staffColumns+` FROM partner_staff WHERE tenant_id = app_tenant_id() AND email = $1`, email))
	return s, translate(err, "staff")
}

// Staff finds a staff member of the current tenant by id.
func (PartnerStore) Staff(ctx context.Context, id string) (partner.Staff, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return partner.Staff{}, err
	}
	s, err := scanStaff(tx.QueryRow(ctx, `SELECT `+staffColumns+` FROM partner_staff WHERE tenant_id = app_tenant_id() AND id = $1`, id))
	return s, translate(err, "staff")
}

// LockPartner loads a partner of the current tenant and locks its row for the transaction.
func (PartnerStore) LockPartner(ctx context.Context, id string) (partner.Partner, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return partner.Partner{}, err
	}
	p, err := scanPartner(tx.QueryRow(ctx, `SELECT tenant_id, id, name, status, created_at FROM partners
		WHERE tenant_id = app_tenant_id() AND id = $1 FOR UPDATE`, id))
	return p, translate(err, "partner")
}

// CountOwners counts a partner's owners.
func (PartnerStore) CountOwners(ctx context.Context, partnerID string) (int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = tx.QueryRow(ctx, `SELECT count(*) FROM partner_staff WHERE tenant_id = app_tenant_id() AND partner_id = $1 AND role = 'owner'`,
		partnerID).Scan(&n)
	return n, translate(err, "staff")
}

// SetStaffRole changes a staff member's role.
func (PartnerStore) SetStaffRole(ctx context.Context, id string, role partner.Role) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE partner_staff SET role = $2 WHERE tenant_id = app_tenant_id() AND id = $1`, id, role)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.NotFound("staff")
	}
	return translate(err, "staff")
}

// DeleteStaff removes a staff account.
func (PartnerStore) DeleteStaff(ctx context.Context, id string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM partner_staff WHERE tenant_id = app_tenant_id() AND id = $1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.NotFound("staff")
	}
	return translate(err, "staff")
}
