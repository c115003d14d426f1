package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/grant"
	"github.com/stvos/stvos/ports"
)

// GrantStore implements grant.ClientStore and grant.RecordStore.
type GrantStore struct{}

var (
	_ grant.ClientStore = GrantStore{}
	_ grant.RecordStore = GrantStore{}
)

const oauthClientColumns = `tenant_id, id, name, redirect_uris, scopes, created_at`

func scanOAuthClient(row pgx.Row) (grant.Client, error) {
	var c grant.Client
	err := row.Scan(&c.TenantID, &c.ID, &c.Name, &c.RedirectURIs, &c.Scopes, &c.CreatedAt)
	c.CreatedAt = c.CreatedAt.UTC()
	return c, err
}

// CreateClient inserts a client.
func (GrantStore) CreateClient(ctx context.Context, c grant.Client) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO oauth_clients (`+oauthClientColumns+`) VALUES ($1,$2,$3,$4,$5,$6)`,
		c.TenantID, c.ID, c.Name, c.RedirectURIs, c.Scopes, c.CreatedAt)
	return translate(err, "oauth client")
}

// Client loads a client of the current tenant.
func (GrantStore) Client(ctx context.Context, id string) (grant.Client, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return grant.Client{}, err
	}
	c, err := scanOAuthClient(tx.QueryRow(ctx, `SELECT `+oauthClientColumns+` FROM oauth_clients WHERE tenant_id = app_tenant_id() AND id = $1`, id))
	return c, translate(err, "oauth client")
}

// ListClients lists the current tenant's clients.
func (GrantStore) ListClients(ctx context.Context) ([]grant.Client, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT `+oauthClientColumns+` FROM oauth_clients WHERE tenant_id = app_tenant_id() ORDER BY created_at, id`)
	if err != nil {
		return nil, translate(err, "oauth client")
	}
	cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (grant.Client, error) { return scanOAuthClient(r) })
	return cs, translate(err, "oauth client")
}

const oauthRecordColumns = `kind, signature, request_id, client_id, subject, requested_at, requested_scopes, granted_scopes,
	requested_audience, granted_audience, form, session, active, expires_at`

// PutRecord inserts a record of the current tenant.
func (GrantStore) PutRecord(ctx context.Context, r grant.Record) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO oauth_requests (tenant_id, `+oauthRecordColumns+`)
		VALUES (app_tenant_id(),$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
		r.Kind, r.Signature, r.RequestID, r.ClientID, r.Subject, r.RequestedAt, nonNil(r.RequestedScopes), nonNil(r.GrantedScopes),
		nonNil(r.RequestedAudience), nonNil(r.GrantedAudience), r.Form, string(r.Session), r.Active, r.ExpiresAt)
	return translate(err, "oauth record")
}

// Record loads a record by kind and signature.
func (GrantStore) Record(ctx context.Context, kind, signature string) (grant.Record, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return grant.Record{}, err
	}
	var (
		r       grant.Record
		session string
	)
	err = tx.QueryRow(ctx, `SELECT `+oauthRecordColumns+` FROM oauth_requests WHERE tenant_id = app_tenant_id() AND kind = $1 AND signature = $2`,
		kind, signature).Scan(&r.Kind, &r.Signature, &r.RequestID, &r.ClientID, &r.Subject, &r.RequestedAt, &r.RequestedScopes,
		&r.GrantedScopes, &r.RequestedAudience, &r.GrantedAudience, &r.Form, &session, &r.Active, &r.ExpiresAt)
	r.Session = []byte(session)
	r.RequestedAt, r.ExpiresAt = r.RequestedAt.UTC(), utcPtr(r.ExpiresAt)
	return r, translate(err, "oauth record")
}

// DeleteRecord removes a record.
func (GrantStore) DeleteRecord(ctx context.Context, kind, signature string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `DELETE FROM oauth_requests WHERE tenant_id = app_tenant_id() AND kind = $1 AND signature = $2`, kind, signature)
	return translate(err, "oauth record")
}

// DeactivateRecords marks a request's records of a kind inactive.
func (GrantStore) DeactivateRecords(ctx context.Context, kind, requestID string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE oauth_requests SET active = false WHERE tenant_id = app_tenant_id() AND kind = $1 AND request_id = $2`, kind, requestID)
	return translate(err, "oauth record")
}

// DeleteRecords removes a request's records of a kind.
func (GrantStore) DeleteRecords(ctx context.Context, kind, requestID string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `DELETE FROM oauth_requests WHERE tenant_id = app_tenant_id() AND kind = $1 AND request_id = $2`, kind, requestID)
	return translate(err, "oauth record")
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// OAuthSecrets keeps the OAuth server's HMAC secret.
type OAuthSecrets struct{ uow *UnitOfWork }

// NewOAuthSecrets returns the secret store.
func NewOAuthSecrets(uow *UnitOfWork) *OAuthSecrets { return &OAuthSecrets{uow: uow} }

// OAuthSecret returns the stored secret, storing fresh first when there is none (the first
// process to start wins; every other reads the same secret).
func (s *OAuthSecrets) OAuthSecret(ctx context.Context, fresh []byte) ([]byte, error) {
	var secret []byte
	err := s.uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		tx, err := txFrom(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO oauth_secrets (id, secret, created_at) VALUES (1, $1, now()) ON CONFLICT (id) DO NOTHING`, fresh); err != nil {
			return translate(err, "oauth secret")
		}
		return translate(tx.QueryRow(ctx, `SELECT secret FROM oauth_secrets WHERE id = 1`).Scan(&secret), "oauth secret")
	})
	return secret, err
}

// PurgeRecords removes the current tenant's records that expired before the time.
func (GrantStore) PurgeRecords(ctx context.Context, before time.Time) (int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM oauth_requests WHERE tenant_id = app_tenant_id() AND expires_at < $1`, before)
	return int(tag.RowsAffected()), translate(err, "oauth record")
}
