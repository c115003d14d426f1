package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stvos/stvos/core/privacy"
	"github.com/stvos/stvos/ports"
)

// PrivacyStore implements privacy.Store: exports and deletion requests (migration 00022), and a
// person's data across the other contexts' tables (privacydata.go).
type PrivacyStore struct {
	// Optional names the optional tables to look for; nil: OptionalTables.
	Optional []string
}

var _ privacy.Store = PrivacyStore{}

const exportColumns = `tenant_id, id, user_id, status, blob_key, size_bytes, requested_at, ready_at, expires_at, updated_at`

func scanExport(row pgx.Row) (privacy.Export, error) {
	var e privacy.Export
	err := row.Scan(&e.TenantID, &e.ID, &e.UserID, &e.Status, &e.BlobKey, &e.Size, &e.RequestedAt, &e.ReadyAt, &e.ExpiresAt, &e.UpdatedAt)
	e.RequestedAt, e.UpdatedAt, e.ReadyAt, e.ExpiresAt = e.RequestedAt.UTC(), e.UpdatedAt.UTC(), utcPtr(e.ReadyAt), utcPtr(e.ExpiresAt)
	return e, err
}

// uniqueAs answers the domain error of a collision with the named unique index (the error itself,
// so errors.Is finds it), else translates.
func uniqueAs(err error, index string, as *ports.Error, what string) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" && pg.ConstraintName == index {
		return as
	}
	return translate(err, what)
}

// CreateExport inserts an export; a second live one of the account collides with
// privacy_exports_live.
func (PrivacyStore) CreateExport(ctx context.Context, e privacy.Export) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO privacy_exports (`+exportColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
		e.TenantID, e.ID, e.UserID, e.Status, e.BlobKey, e.Size, e.RequestedAt, e.ReadyAt, e.ExpiresAt, e.UpdatedAt)
	return uniqueAs(err, "privacy_exports_live", privacy.ErrExportInProgress, "account")
}

// LatestExport loads the account's newest export.
func (PrivacyStore) LatestExport(ctx context.Context, userID string) (privacy.Export, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return privacy.Export{}, err
	}
	e, err := scanExport(tx.QueryRow(ctx, `SELECT `+exportColumns+` FROM privacy_exports WHERE tenant_id = app_tenant_id() AND user_id = $1
		ORDER BY requested_at DESC, id DESC LIMIT 1`, userID))
	return e, translate(err, "export")
}

// Export loads an export of the tenant.
func (PrivacyStore) Export(ctx context.Context, id string, forUpdate bool) (privacy.Export, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return privacy.Export{}, err
	}
	q := `SELECT ` + exportColumns + ` FROM privacy_exports WHERE tenant_id = app_tenant_id() AND id = $1`
	if forUpdate {
		q += ` FOR UPDATE`
	}
	e, err := scanExport(tx.QueryRow(ctx, q, id))
	return e, translate(err, "export")
}

// SaveExport stores an export's changes.
func (PrivacyStore) SaveExport(ctx context.Context, e privacy.Export) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE privacy_exports SET status = $2, blob_key = $3, size_bytes = $4, ready_at = $5, expires_at = $6,
		updated_at = $7 WHERE tenant_id = app_tenant_id() AND id = $1`, e.ID, e.Status, e.BlobKey, e.Size, e.ReadyAt, e.ExpiresAt, e.UpdatedAt)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.NotFound("export")
	}
	return translate(err, "export")
}

func (PrivacyStore) exports(ctx context.Context, q string, args ...any) ([]privacy.Export, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, translate(err, "export")
	}
	es, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (privacy.Export, error) { return scanExport(r) })
	return es, translate(err, "export")
}

// UserExports lists the account's exports, newest first.
func (s PrivacyStore) UserExports(ctx context.Context, userID string) ([]privacy.Export, error) {
	return s.exports(ctx, `SELECT `+exportColumns+` FROM privacy_exports WHERE tenant_id = app_tenant_id() AND user_id = $1
		ORDER BY requested_at DESC, id DESC`, userID)
}

// ExpiredExports answers the tenant's ready exports whose link expired at or before now.
func (s PrivacyStore) ExpiredExports(ctx context.Context, now time.Time, limit int) ([]privacy.Export, error) {
	return s.exports(ctx, `SELECT `+exportColumns+` FROM privacy_exports WHERE tenant_id = app_tenant_id() AND status = 'ready'
		AND expires_at <= $1 ORDER BY expires_at, id LIMIT $2`, now, limit)
}

const deletionColumns = `tenant_id, id, user_id, status, reason, requested_at, scheduled_at, canceled_at, completed_at, updated_at`

func scanDeletion(row pgx.Row) (privacy.Deletion, error) {
	var d privacy.Deletion
	err := row.Scan(&d.TenantID, &d.ID, &d.UserID, &d.Status, &d.Reason, &d.RequestedAt, &d.ScheduledAt, &d.CanceledAt, &d.CompletedAt,
		&d.UpdatedAt)
	d.RequestedAt, d.ScheduledAt, d.UpdatedAt = d.RequestedAt.UTC(), d.ScheduledAt.UTC(), d.UpdatedAt.UTC()
	d.CanceledAt, d.CompletedAt = utcPtr(d.CanceledAt), utcPtr(d.CompletedAt)
	return d, err
}

// CreateDeletion inserts a request; a second live one of the account collides with
// privacy_deletions_live.
func (PrivacyStore) CreateDeletion(ctx context.Context, d privacy.Deletion) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO privacy_deletion_requests (`+deletionColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
		d.TenantID, d.ID, d.UserID, d.Status, d.Reason, d.RequestedAt, d.ScheduledAt, d.CanceledAt, d.CompletedAt, d.UpdatedAt)
	return uniqueAs(err, "privacy_deletions_live", privacy.ErrDeletionPending, "account")
}

// LiveDeletion loads the account's pending or erasing request.
func (PrivacyStore) LiveDeletion(ctx context.Context, userID string, forUpdate bool) (privacy.Deletion, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return privacy.Deletion{}, err
	}
	q := `SELECT ` + deletionColumns + ` FROM privacy_deletion_requests WHERE tenant_id = app_tenant_id() AND user_id = $1
		AND status IN ('pending', 'erasing')`
	if forUpdate {
		q += ` FOR UPDATE`
	}
	d, err := scanDeletion(tx.QueryRow(ctx, q, userID))
	return d, translate(err, "deletion request")
}

// Deletion loads a request of the tenant.
func (PrivacyStore) Deletion(ctx context.Context, id string, forUpdate bool) (privacy.Deletion, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return privacy.Deletion{}, err
	}
	q := `SELECT ` + deletionColumns + ` FROM privacy_deletion_requests WHERE tenant_id = app_tenant_id() AND id = $1`
	if forUpdate {
		q += ` FOR UPDATE`
	}
	d, err := scanDeletion(tx.QueryRow(ctx, q, id))
	return d, translate(err, "deletion request")
}

// SaveDeletion stores a request's changes.
func (PrivacyStore) SaveDeletion(ctx context.Context, d privacy.Deletion) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE privacy_deletion_requests SET status = $2, reason = $3, canceled_at = $4, completed_at = $5,
		updated_at = $6 WHERE tenant_id = app_tenant_id() AND id = $1`, d.ID, d.Status, d.Reason, d.CanceledAt, d.CompletedAt, d.UpdatedAt)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.NotFound("deletion request")
	}
	return uniqueAs(err, "privacy_deletions_live", privacy.ErrDeletionPending, "deletion request")
}

// DueDeletions answers the live requests of every tenant scheduled at or before now, the earliest
// first (the privacy_deletions_due index; the platform scope reads across tenants).
func (PrivacyStore) DueDeletions(ctx context.Context, now time.Time, limit int) ([]privacy.EraseJob, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT tenant_id::text, id::text FROM privacy_deletion_requests
		WHERE status IN ('pending', 'erasing') AND scheduled_at <= $1 ORDER BY scheduled_at LIMIT $2`, now, limit)
	if err != nil {
		return nil, translate(err, "deletion request")
	}
	js, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (privacy.EraseJob, error) {
		var j privacy.EraseJob
		return j, r.Scan(&j.TenantID, &j.RequestID)
	})
	return js, translate(err, "deletion request")
}

// PrivacySecrets keeps the secret export download links are signed with.
type PrivacySecrets struct{ uow *UnitOfWork }

// NewPrivacySecrets returns the secret store.
func NewPrivacySecrets(uow *UnitOfWork) *PrivacySecrets { return &PrivacySecrets{uow: uow} }

// LinkSecret returns the stored secret, storing fresh first when there is none (the first process
// to start wins; every other reads the same secret).
func (s *PrivacySecrets) LinkSecret(ctx context.Context, fresh []byte) ([]byte, error) {
	var secret []byte
	err := s.uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		tx, err := txFrom(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO privacy_secrets (id, secret, created_at) VALUES (1, $1, now()) ON CONFLICT (id) DO NOTHING`,
			fresh); err != nil {
			return translate(err, "privacy secret")
		}
		return translate(tx.QueryRow(ctx, `SELECT secret FROM privacy_secrets WHERE id = 1`).Scan(&secret), "privacy secret")
	})
	return secret, err
}
