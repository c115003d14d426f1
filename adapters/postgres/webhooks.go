package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/webhook"
)

// WebhookStore implements webhook.Store.
type WebhookStore struct{}

var _ webhook.Store = WebhookStore{}

const webhookColumns = `tenant_id, id, partner_id, url, sealed_secret, created_at`

func scanEndpoint(row pgx.Row) (webhook.Endpoint, error) {
	var e webhook.Endpoint
	err := row.Scan(&e.TenantID, &e.ID, &e.PartnerID, &e.URL, &e.SealedSecret, &e.CreatedAt)
	e.CreatedAt = e.CreatedAt.UTC()
	return e, err
}

// CreateEndpoint implements webhook.Store.
func (WebhookStore) CreateEndpoint(ctx context.Context, e webhook.Endpoint) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO webhook_endpoints (`+webhookColumns+`) VALUES (app_tenant_id(), $1, $2, $3, $4, $5)`,
		e.ID, e.PartnerID, e.URL, e.SealedSecret, e.CreatedAt)
	return translate(err, "partner")
}

// Endpoints implements webhook.Store.
func (WebhookStore) Endpoints(ctx context.Context, partnerID string) ([]webhook.Endpoint, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT `+webhookColumns+` FROM webhook_endpoints
		WHERE tenant_id = app_tenant_id() AND partner_id = $1 ORDER BY id`, partnerID)
	if err != nil {
		return nil, translate(err, "webhook endpoint")
	}
	out := []webhook.Endpoint{}
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			rows.Close()
			return nil, translate(err, "webhook endpoint")
		}
		out = append(out, e)
	}
	return out, translate(rows.Err(), "webhook endpoint")
}

// Endpoint implements webhook.Store.
func (WebhookStore) Endpoint(ctx context.Context, id string) (webhook.Endpoint, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return webhook.Endpoint{}, err
	}
	e, err := scanEndpoint(tx.QueryRow(ctx, `SELECT `+webhookColumns+` FROM webhook_endpoints WHERE tenant_id = app_tenant_id() AND id = $1`, id))
	return e, translate(err, "webhook endpoint")
}

// DeleteEndpoint implements webhook.Store.
func (WebhookStore) DeleteEndpoint(ctx context.Context, partnerID, id string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM webhook_endpoints WHERE tenant_id = app_tenant_id() AND partner_id = $1 AND id = $2`, partnerID, id)
	if err != nil {
		return translate(err, "webhook endpoint")
	}
	if tag.RowsAffected() == 0 {
		return translate(pgx.ErrNoRows, "webhook endpoint")
	}
	return nil
}
