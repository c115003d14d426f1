package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/onboarding"
	"github.com/stvos/stvos/ports"
)

// IntegrationSourceStore implements onboarding.SourceStore.
type IntegrationSourceStore struct{}

var _ onboarding.SourceStore = IntegrationSourceStore{}

const sourceColumns = `tenant_id, source, auth_url, token_url, client_id, sealed_client_secret, scopes, locations_url, menus_url,
	userinfo_url, created_at, updated_at`

func scanSource(row pgx.Row) (onboarding.Source, error) {
	var s onboarding.Source
	err := row.Scan(&s.TenantID, &s.Name, &s.AuthURL, &s.TokenURL, &s.ClientID, &s.SealedClientSecret, &s.Scopes, &s.LocationsURL,
		&s.MenusURL, &s.UserInfoURL, &s.CreatedAt, &s.UpdatedAt)
	if s.Scopes == nil {
		s.Scopes = []string{}
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return s, err
}

// PutSource implements onboarding.SourceStore.
func (IntegrationSourceStore) PutSource(ctx context.Context, s onboarding.Source) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	scopes := s.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	_, err = tx.Exec(ctx, `INSERT INTO integration_sources (`+sourceColumns+`)
		VALUES (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (tenant_id, source) DO UPDATE SET auth_url = EXCLUDED.auth_url, token_url = EXCLUDED.token_url,
			client_id = EXCLUDED.client_id, sealed_client_secret = EXCLUDED.sealed_client_secret, scopes = EXCLUDED.scopes,
			locations_url = EXCLUDED.locations_url, menus_url = EXCLUDED.menus_url, userinfo_url = EXCLUDED.userinfo_url,
			updated_at = EXCLUDED.updated_at`,
		s.Name, s.AuthURL, s.TokenURL, s.ClientID, s.SealedClientSecret, scopes, s.LocationsURL, s.MenusURL, s.UserInfoURL, s.CreatedAt, s.UpdatedAt)
	return translate(err, "client")
}

// Source implements onboarding.SourceStore.
func (IntegrationSourceStore) Source(ctx context.Context, name string) (onboarding.Source, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return onboarding.Source{}, err
	}
	s, err := scanSource(tx.QueryRow(ctx, `SELECT `+sourceColumns+` FROM integration_sources
		WHERE tenant_id = app_tenant_id() AND source = $1`, name))
	return s, translate(err, "integration source")
}

// Sources implements onboarding.SourceStore, by name.
func (IntegrationSourceStore) Sources(ctx context.Context) ([]onboarding.Source, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT `+sourceColumns+` FROM integration_sources WHERE tenant_id = app_tenant_id() ORDER BY source LIMIT 1000`)
	if err != nil {
		return nil, translate(err, "integration source")
	}
	out := []onboarding.Source{}
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			rows.Close()
			return nil, translate(err, "integration source")
		}
		out = append(out, s)
	}
	return out, translate(rows.Err(), "integration source")
}

// DeleteSource implements onboarding.SourceStore.
func (IntegrationSourceStore) DeleteSource(ctx context.Context, name string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM integration_sources WHERE tenant_id = app_tenant_id() AND source = $1`, name)
	if err != nil {
		return translate(err, "integration source")
	}
	if tag.RowsAffected() == 0 {
		return ports.NotFound("integration source")
	}
	return nil
}
