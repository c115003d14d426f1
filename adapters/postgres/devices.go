package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/device"
)

// DeviceStore implements device.Store.
type DeviceStore struct{}

var _ device.Store = DeviceStore{}

const deviceColumns = `user_code, device_signature, tenant_id::text, client_id, scopes, subject, status, last_polled_at, expires_at, created_at`

// CreateDeviceCode inserts a device code.
func (DeviceStore) CreateDeviceCode(ctx context.Context, d device.Code) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO oauth_device_codes (user_code, device_signature, tenant_id, client_id, scopes, subject, status,
		last_polled_at, expires_at, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
		d.UserCode, d.DeviceSignature, d.TenantID, d.ClientID, d.Scopes, d.Subject, d.Status, d.LastPolledAt, d.ExpiresAt, d.CreatedAt)
	return translate(err, "device code")
}

// DeviceCode loads and locks a device code by user code or device signature.
func (DeviceStore) DeviceCode(ctx context.Context, userCode, deviceSignature string) (device.Code, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return device.Code{}, err
	}
	var d device.Code
	err = tx.QueryRow(ctx, `SELECT `+deviceColumns+` FROM oauth_device_codes WHERE tenant_id = app_tenant_id()
		AND (($1 <> '' AND user_code = $1) OR ($2 <> '' AND device_signature = $2)) FOR UPDATE`, userCode, deviceSignature).
		Scan(&d.UserCode, &d.DeviceSignature, &d.TenantID, &d.ClientID, &d.Scopes, &d.Subject, &d.Status, &d.LastPolledAt, &d.ExpiresAt, &d.CreatedAt)
	d.LastPolledAt, d.ExpiresAt, d.CreatedAt = utcPtr(d.LastPolledAt), d.ExpiresAt.UTC(), d.CreatedAt.UTC()
	return d, translate(err, "device code")
}

// SaveDeviceCode stores a device code's state.
func (DeviceStore) SaveDeviceCode(ctx context.Context, d device.Code) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE oauth_device_codes SET subject = $2, status = $3, last_polled_at = $4
		WHERE tenant_id = app_tenant_id() AND user_code = $1`, d.UserCode, d.Subject, d.Status, d.LastPolledAt)
	return translate(err, "device code")
}

// PurgeDeviceCodes removes the current tenant's device codes that expired before the time.
func (DeviceStore) PurgeDeviceCodes(ctx context.Context, before time.Time) ([]string, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `DELETE FROM oauth_device_codes WHERE tenant_id = app_tenant_id() AND expires_at < $1 RETURNING user_code`, before)
	if err != nil {
		return nil, translate(err, "device code")
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return codes, translate(err, "device code")
}
