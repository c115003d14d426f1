package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/partnertoken"
	"github.com/stvos/stvos/ports"
)

// PartnerTokenStore implements partnertoken.Store.
type PartnerTokenStore struct{}

var _ partnertoken.Store = PartnerTokenStore{}

const partnerTokenColumns = `tenant_id, id, partner_id, org_id, name, client_id, secret_hash, scopes, created_by_kind, created_by_id,
	created_at, revoked_at`

func scanPartnerToken(row pgx.Row) (partnertoken.Token, error) {
	var t partnertoken.Token
	err := row.Scan(&t.TenantID, &t.ID, &t.PartnerID, &t.OrgID, &t.Name, &t.ClientID, &t.SecretHash, &t.Scopes, &t.CreatedByKind,
		&t.CreatedByID, &t.CreatedAt, &t.RevokedAt)
	t.CreatedAt, t.RevokedAt = t.CreatedAt.UTC(), utcPtr(t.RevokedAt)
	return t, err
}

// Create inserts a partner token.
func (PartnerTokenStore) Create(ctx context.Context, t partnertoken.Token) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO partner_tokens (`+partnerTokenColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
		t.TenantID, t.ID, t.PartnerID, t.OrgID, t.Name, t.ClientID, t.SecretHash, t.Scopes, t.CreatedByKind, t.CreatedByID, t.CreatedAt, t.RevokedAt)
	return translate(err, "organization")
}

// Get loads and locks a partner token of the current tenant.
func (PartnerTokenStore) Get(ctx context.Context, id string) (partnertoken.Token, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return partnertoken.Token{}, err
	}
	t, err := scanPartnerToken(tx.QueryRow(ctx, `SELECT `+partnerTokenColumns+` FROM partner_tokens
		WHERE tenant_id = app_tenant_id() AND id = $1 FOR UPDATE`, id))
	return t, translate(err, "partner token")
}

// ByClientID finds a partner token of the current tenant by its client_id.
func (PartnerTokenStore) ByClientID(ctx context.Context, clientID string) (partnertoken.Token, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return partnertoken.Token{}, err
	}
	t, err := scanPartnerToken(tx.QueryRow(ctx, `SELECT `+partnerTokenColumns+` FROM partner_tokens
		WHERE tenant_id = app_tenant_id() AND client_id = $1`, clientID))
	return t, translate(err, "partner token")
}

// List returns a partner's tokens ordered by id.
func (PartnerTokenStore) List(ctx context.Context, partnerID, after string, limit int) ([]partnertoken.Token, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT `+partnerTokenColumns+` FROM partner_tokens
		WHERE tenant_id = app_tenant_id() AND partner_id = $1 AND ($2 = '' OR id > $2::uuid) ORDER BY id LIMIT $3`, partnerID, after, limit)
	if err != nil {
		return nil, translate(err, "partner token")
	}
	ts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (partnertoken.Token, error) { return scanPartnerToken(r) })
	return ts, translate(err, "partner token")
}

// Revoke marks a partner token revoked.
func (PartnerTokenStore) Revoke(ctx context.Context, id string, at time.Time) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE partner_tokens SET revoked_at = $2 WHERE tenant_id = app_tenant_id() AND id = $1 AND revoked_at IS NULL`, id, at)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.NotFound("partner token")
	}
	return translate(err, "partner token")
}
