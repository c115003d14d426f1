package postgres

import (
	"context"

	"github.com/stvos/stvos/ports"
)

// Directory implements ports.Directory on the directory table.
type Directory struct{}

var _ ports.Directory = Directory{}

// Register adds an entry for the current tenant.
func (Directory) Register(ctx context.Context, kind, key, tenantID string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO directory (kind, key, tenant_id) VALUES ($1, $2, $3)`, kind, key, tenantID)
	return translate(err, kind)
}

// Lookup returns the tenant of an entry.
func (Directory) Lookup(ctx context.Context, kind, key string) (string, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return "", err
	}
	var tenantID string
	err = tx.QueryRow(ctx, `SELECT tenant_id FROM directory WHERE kind = $1 AND key = $2`, kind, key).Scan(&tenantID)
	return tenantID, translate(err, kind)
}

// Unregister removes an entry of the current tenant.
func (Directory) Unregister(ctx context.Context, kind, key string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `DELETE FROM directory WHERE kind = $1 AND key = $2 AND tenant_id = app_tenant_id()`, kind, key)
	return translate(err, kind)
}
