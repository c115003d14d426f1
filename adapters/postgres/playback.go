package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/playback"
)

// PlaybackStore implements playback.Store.
type PlaybackStore struct{}

var _ playback.Store = PlaybackStore{}

// PlayableClass returns the duration of a published class that is not deleted.
func (PlaybackStore) PlayableClass(ctx context.Context, classID string) (int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return 0, err
	}
	var d int
	err = tx.QueryRow(ctx, `SELECT duration_seconds FROM classes WHERE tenant_id = app_tenant_id() AND id = $1
		AND published AND deleted_at IS NULL`, classID).Scan(&d)
	return d, translate(err, "class")
}

// CreateSession inserts a session.
func (PlaybackStore) CreateSession(ctx context.Context, s playback.Session) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO playback_sessions (tenant_id, id, user_id, class_id, device, started_at, last_beat_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7)`, s.TenantID, s.ID, s.UserID, s.ClassID, s.Device, s.StartedAt, s.LastBeatAt)
	return translate(err, "playback session")
}

const playbackColumns = `p.tenant_id, p.id, p.user_id, p.class_id, p.device, p.started_at, p.last_beat_at, p.ended_at,
	p.position_seconds, p.watched_seconds, p.completed, k.title, c.name, k.duration_seconds`

const playbackFrom = ` FROM playback_sessions p JOIN classes k ON k.tenant_id = p.tenant_id AND k.id = p.class_id
	JOIN categories c ON c.tenant_id = k.tenant_id AND c.id = k.category_id`

func scanPlayback(row pgx.Row) (playback.Session, error) {
	var s playback.Session
	err := row.Scan(&s.TenantID, &s.ID, &s.UserID, &s.ClassID, &s.Device, &s.StartedAt, &s.LastBeatAt, &s.EndedAt,
		&s.PositionSeconds, &s.WatchedSeconds, &s.Completed, &s.ClassTitle, &s.CategoryName, &s.DurationSeconds)
	s.StartedAt, s.LastBeatAt, s.EndedAt = s.StartedAt.UTC(), s.LastBeatAt.UTC(), utcPtr(s.EndedAt)
	return s, err
}

// Session loads a session of the user for update.
func (PlaybackStore) Session(ctx context.Context, userID, id string) (playback.Session, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return playback.Session{}, err
	}
	s, err := scanPlayback(tx.QueryRow(ctx, `SELECT `+playbackColumns+playbackFrom+`
		WHERE p.tenant_id = app_tenant_id() AND p.user_id = $1 AND p.id = $2 FOR UPDATE OF p`, userID, id))
	return s, translate(err, "playback session")
}

// SaveSession stores a session's progress.
func (PlaybackStore) SaveSession(ctx context.Context, s playback.Session) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE playback_sessions SET last_beat_at=$2, ended_at=$3, position_seconds=$4, watched_seconds=$5, completed=$6
		WHERE tenant_id = app_tenant_id() AND id = $1`, s.ID, s.LastBeatAt, s.EndedAt, s.PositionSeconds, s.WatchedSeconds, s.Completed)
	return translate(err, "playback session")
}

// History returns a page of a user's sessions, newest first.
func (PlaybackStore) History(ctx context.Context, userID string, offset, limit int) ([]playback.Session, int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM playback_sessions WHERE tenant_id = app_tenant_id() AND user_id = $1`, userID).
		Scan(&total); err != nil {
		return nil, 0, translate(err, "playback session")
	}
	rows, err := tx.Query(ctx, `SELECT `+playbackColumns+playbackFrom+` WHERE p.tenant_id = app_tenant_id() AND p.user_id = $1
		ORDER BY p.started_at DESC, p.id DESC OFFSET $2 LIMIT $3`, userID, offset, limit)
	if err != nil {
		return nil, 0, translate(err, "playback session")
	}
	ss, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (playback.Session, error) { return scanPlayback(r) })
	return ss, total, translate(err, "playback session")
}

// EndOpenSessions ends a user's open sessions at their last report.
func (PlaybackStore) EndOpenSessions(ctx context.Context, userID string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE playback_sessions SET ended_at = last_beat_at
		WHERE tenant_id = app_tenant_id() AND user_id = $1 AND ended_at IS NULL`, userID)
	return translate(err, "playback session")
}
