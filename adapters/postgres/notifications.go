package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/notification"
	"github.com/stvos/stvos/ports"
)

// NotificationStore implements notification.Store.
type NotificationStore struct{}

var _ notification.Store = NotificationStore{}

const notificationColumns = `tenant_id, id, user_id, type, priority, title, body, action_url, coalesce(dedupe_key, ''), read_at,
	expires_at, created_at`

// live is the condition of the notifications of the user $1 that are live at $2: neither deleted nor
// expired. The statements using it number their other parameters from $3.
const live = `tenant_id = app_tenant_id() AND user_id = $1 AND deleted_at IS NULL AND expires_at > $2`

func scanNotification(row pgx.Row) (notification.Notification, error) {
	var n notification.Notification
	err := row.Scan(&n.TenantID, &n.ID, &n.UserID, &n.Type, &n.Priority, &n.Title, &n.Body, &n.ActionURL, &n.Key, &n.ReadAt,
		&n.ExpiresAt, &n.CreatedAt)
	n.ExpiresAt, n.CreatedAt = n.ExpiresAt.UTC(), n.CreatedAt.UTC()
	if n.ReadAt != nil {
		r := n.ReadAt.UTC()
		n.ReadAt = &r
	}
	return n, err
}

func collectNotifications(rows pgx.Rows, err error) ([]notification.Notification, error) {
	if err != nil {
		return nil, translate(err, "notification")
	}
	ns, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (notification.Notification, error) { return scanNotification(r) })
	return ns, translate(err, "notification")
}

// Create inserts the notification unless the user's key is taken (the notifications_key index):
// a concurrent insert with the same key waits for the first to commit, then inserts nothing.
func (NotificationStore) Create(ctx context.Context, n notification.Notification) (bool, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return false, err
	}
	var key *string
	if n.Key != "" {
		key = &n.Key
	}
	tag, err := tx.Exec(ctx, `INSERT INTO notifications (tenant_id, id, user_id, type, priority, title, body, action_url, dedupe_key,
		read_at, expires_at, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
		ON CONFLICT (tenant_id, user_id, dedupe_key) DO NOTHING`,
		n.TenantID, n.ID, n.UserID, n.Type, n.Priority, n.Title, n.Body, n.ActionURL, key, n.ReadAt, n.ExpiresAt, n.CreatedAt)
	if err != nil {
		return false, translate(err, "user")
	}
	return tag.RowsAffected() == 1, nil
}

// Trim removes the user's notifications older than the keep-th newest, reading at most keep
// entries of the notifications_user index to find it.
func (NotificationStore) Trim(ctx context.Context, userID string, keep int) (int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM notifications WHERE tenant_id = app_tenant_id() AND user_id = $1 AND id < (
			SELECT id FROM notifications WHERE tenant_id = app_tenant_id() AND user_id = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)`,
		userID, keep-1)
	return int(tag.RowsAffected()), translate(err, "notification")
}

// List returns a page of the user's live notifications, newest first (the notifications_user
// index). An empty cursor compares as the largest uuid, so one statement serves every page.
func (NotificationStore) List(ctx context.Context, userID string, unreadOnly bool, now time.Time, before string,
	limit int) ([]notification.Notification, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	if before == "" {
		before = "ffffffff-ffff-ffff-ffff-ffffffffffff"
	}
	rows, err := tx.Query(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE `+live+` AND id < $3::uuid AND (NOT $4 OR read_at IS NULL) ORDER BY id DESC LIMIT $5`,
		userID, now, before, unreadOnly, limit)
	return collectNotifications(rows, err)
}

// CountUnread counts the user's live unread notifications (from the notifications_user index
// alone, which includes read_at, expires_at and deleted_at).
func (NotificationStore) CountUnread(ctx context.Context, userID string, now time.Time) (int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = tx.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE `+live+` AND read_at IS NULL`,
		userID, now).Scan(&n)
	return n, translate(err, "notification")
}

// SetRead changes read_at only when the mark changes it; otherwise it answers the row as it is.
func (NotificationStore) SetRead(ctx context.Context, userID, id string, at *time.Time, now time.Time) (notification.Notification, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return notification.Notification{}, err
	}
	n, err := scanNotification(tx.QueryRow(ctx, `WITH changed AS (
			UPDATE notifications SET read_at = $4 WHERE `+live+` AND id = $3 AND (read_at IS NULL) <> ($4::timestamptz IS NULL)
			RETURNING `+notificationColumns+`)
		SELECT * FROM changed
		UNION ALL
		SELECT `+notificationColumns+` FROM notifications WHERE `+live+` AND id = $3 AND NOT EXISTS (SELECT 1 FROM changed)`,
		userID, now, id, at))
	return n, translate(err, "notification")
}

// MarkAllRead marks the user's live unread notifications read.
func (NotificationStore) MarkAllRead(ctx context.Context, userID string, now time.Time) (int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `UPDATE notifications SET read_at = $2 WHERE `+live+` AND read_at IS NULL`, userID, now)
	return int(tag.RowsAffected()), translate(err, "notification")
}

// Delete removes a live notification without a key, and turns one with a key into a tombstone
// (deleted_at set, content cleared) that keeps the key until the notification's expiry.
func (NotificationStore) Delete(ctx context.Context, userID, id string, now time.Time) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	var n int
	err = tx.QueryRow(ctx, `WITH gone AS (
			DELETE FROM notifications WHERE `+live+` AND id = $3 AND dedupe_key IS NULL RETURNING 1),
		buried AS (
			UPDATE notifications SET deleted_at = $2, title = '', body = '', action_url = ''
			WHERE `+live+` AND id = $3 AND dedupe_key IS NOT NULL RETURNING 1)
		SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM buried)`, userID, now, id).Scan(&n)
	if err != nil {
		return translate(err, "notification")
	}
	if n == 0 {
		return ports.NotFound("notification")
	}
	return nil
}

// Purge removes the tenant's notifications expired at now (the notifications_expiry index).
func (NotificationStore) Purge(ctx context.Context, now time.Time) (int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM notifications WHERE tenant_id = `+thisTenant+` AND expires_at <= $1`, now)
	return int(tag.RowsAffected()), translate(err, "notification")
}
