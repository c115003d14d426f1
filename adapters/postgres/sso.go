package postgres

import (
	"context"
	"time"

	"github.com/stvos/stvos/core/sso"
	"github.com/stvos/stvos/ports"
)

// SSOStore implements sso.Store.
type SSOStore struct{}

var _ sso.Store = SSOStore{}

const ssoColumns = `tenant_id, id, partner_id, token_id, secret_hash, email, full_name, phone_number, role, provider_org_id,
	provider_org_name, created_at, expires_at, used_at`

// Create inserts a login ticket.
func (SSOStore) Create(ctx context.Context, t sso.Ticket) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO sso_tickets (`+ssoColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
		t.TenantID, t.ID, t.PartnerID, t.TokenID, t.SecretHash, t.Email, t.FullName, t.PhoneNumber, t.Role, t.ProviderOrgID,
		t.ProviderOrgName, t.CreatedAt, t.ExpiresAt, t.UsedAt)
	return translate(err, "partner")
}

// Get loads and locks a login ticket of the current tenant.
func (SSOStore) Get(ctx context.Context, id string) (sso.Ticket, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return sso.Ticket{}, err
	}
	var t sso.Ticket
	err = tx.QueryRow(ctx, `SELECT `+ssoColumns+` FROM sso_tickets WHERE tenant_id = app_tenant_id() AND id = $1 FOR UPDATE`, id).Scan(
		&t.TenantID, &t.ID, &t.PartnerID, &t.TokenID, &t.SecretHash, &t.Email, &t.FullName, &t.PhoneNumber, &t.Role, &t.ProviderOrgID,
		&t.ProviderOrgName, &t.CreatedAt, &t.ExpiresAt, &t.UsedAt)
	if err != nil {
		return sso.Ticket{}, translate(err, "login ticket")
	}
	t.CreatedAt, t.ExpiresAt, t.UsedAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC(), utcPtr(t.UsedAt)
	return t, nil
}

// MarkUsed records the one exchange of a ticket.
func (SSOStore) MarkUsed(ctx context.Context, id string, at time.Time) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE sso_tickets SET used_at = $2 WHERE tenant_id = app_tenant_id() AND id = $1 AND used_at IS NULL`, id, at)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.NotFound("login ticket")
	}
	return translate(err, "login ticket")
}
