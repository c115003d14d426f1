package postgres

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/audit"
)

// AuditStore implements audit.Store.
type AuditStore struct{}

var _ audit.Store = AuditStore{}

// Append adds a record.
func (AuditStore) Append(ctx context.Context, r audit.Record) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (tenant_id, id, actor_kind, actor_id, action, target_kind, target_id, reason, details, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, r.TenantID, r.ID, r.ActorKind, r.ActorID, r.Action, r.TargetKind, r.TargetID, r.Reason, r.Details, r.CreatedAt)
	return translate(err, "audit record")
}

// List returns records newest first.
func (AuditStore) List(ctx context.Context, tenantID string, f audit.Filter, before string, limit int) ([]audit.Record, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	q := `SELECT tenant_id, id, actor_kind, actor_id, action, target_kind, target_id, reason, details, created_at FROM audit_log
		WHERE tenant_id = $1 AND ($2 = '' OR id < $2::uuid) AND ($3 = '' OR action = $3) AND ($4 = '' OR target_id = $4)
		AND ($5 = '' OR actor_id = $5) ORDER BY id DESC LIMIT ` + strconv.Itoa(limit)
	rows, err := tx.Query(ctx, q, tenantID, before, f.Action, f.TargetID, f.ActorID)
	if err != nil {
		return nil, translate(err, "audit record")
	}
	rs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (audit.Record, error) {
		var a audit.Record
		err := r.Scan(&a.TenantID, &a.ID, &a.ActorKind, &a.ActorID, &a.Action, &a.TargetKind, &a.TargetID, &a.Reason, &a.Details, &a.CreatedAt)
		a.CreatedAt = a.CreatedAt.UTC()
		return a, err
	})
	return rs, translate(err, "audit record")
}
