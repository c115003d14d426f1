package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/session"
)

// SessionStore implements session.Store.
type SessionStore struct{}

var _ session.Store = SessionStore{}

// sessionTable is where a session of the current scope lives: a tenant principal's in sessions,
// an operator's in operator_sessions.
func sessionTable(ctx context.Context) (table, tenantCols string) {
	if tenantScoped(ctx) {
		return "sessions", "tenant_id::text, coalesce(partner_id::text, ''), "
	}
	return "operator_sessions", "'', '', "
}

// CreateSession inserts a session.
func (SessionStore) CreateSession(ctx context.Context, s session.Session) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	if s.TenantID == "" {
		_, err = tx.Exec(ctx, `INSERT INTO operator_sessions (`+sessionColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
			s.ID, s.SubjectKind, s.SubjectID, s.RefreshHash, s.PreviousHash, s.Device, s.Address, s.CreatedAt, s.LastUsedAt, s.ExpiresAt, s.RevokedAt)
	} else {
		_, err = tx.Exec(ctx, `INSERT INTO sessions (tenant_id, partner_id, `+sessionColumns+`) VALUES ($1,NULLIF($2,'')::uuid,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
			s.TenantID, s.PartnerID, s.ID, s.SubjectKind, s.SubjectID, s.RefreshHash, s.PreviousHash, s.Device, s.Address, s.CreatedAt, s.LastUsedAt, s.ExpiresAt, s.RevokedAt)
	}
	return translate(err, "session")
}

func scanSession(row pgx.Row) (session.Session, error) {
	var s session.Session
	err := row.Scan(&s.TenantID, &s.PartnerID, &s.ID, &s.SubjectKind, &s.SubjectID, &s.RefreshHash, &s.PreviousHash, &s.Device, &s.Address,
		&s.CreatedAt, &s.LastUsedAt, &s.ExpiresAt, &s.RevokedAt)
	s.CreatedAt, s.LastUsedAt, s.ExpiresAt, s.RevokedAt = s.CreatedAt.UTC(), s.LastUsedAt.UTC(), s.ExpiresAt.UTC(), utcPtr(s.RevokedAt)
	return s, err
}

// Session loads and locks a session of the current scope.
func (SessionStore) Session(ctx context.Context, id string) (session.Session, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return session.Session{}, err
	}
	table, cols := sessionTable(ctx)
	s, err := scanSession(tx.QueryRow(ctx, `SELECT `+cols+sessionColumns+` FROM `+table+` WHERE id = $1 FOR UPDATE`, id))
	return s, translate(err, "session")
}

// SaveSession stores a session's rotation or revocation.
func (SessionStore) SaveSession(ctx context.Context, s session.Session) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	table, _ := sessionTable(ctx)
	_, err = tx.Exec(ctx, `UPDATE `+table+` SET refresh_hash=$2, previous_hash=$3, last_used_at=$4, revoked_at=$5 WHERE id=$1`,
		s.ID, s.RefreshHash, s.PreviousHash, s.LastUsedAt, s.RevokedAt)
	return translate(err, "session")
}

// LiveSessions lists a subject's live sessions, newest first.
func (SessionStore) LiveSessions(ctx context.Context, kind, subjectID string) ([]session.Session, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	table, cols := sessionTable(ctx)
	rows, err := tx.Query(ctx, `SELECT `+cols+sessionColumns+` FROM `+table+`
		WHERE subject_kind = $1 AND subject_id = $2 AND revoked_at IS NULL AND expires_at > now() ORDER BY id DESC LIMIT 100`, kind, subjectID)
	if err != nil {
		return nil, translate(err, "session")
	}
	ss, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (session.Session, error) { return scanSession(r) })
	return ss, translate(err, "session")
}

// RevokeSessions revokes a subject's live sessions but one.
func (SessionStore) RevokeSessions(ctx context.Context, kind, subjectID, keep string) ([]string, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	table, _ := sessionTable(ctx)
	rows, err := tx.Query(ctx, `UPDATE `+table+` SET revoked_at = now()
		WHERE subject_kind = $1 AND subject_id = $2 AND revoked_at IS NULL AND expires_at > now() AND ($3 = '' OR id <> $3::uuid)
		RETURNING id::text`, kind, subjectID, keep)
	if err != nil {
		return nil, translate(err, "session")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return ids, translate(err, "session")
}

func tenantScoped(ctx context.Context) bool {
	st, ok := ctx.Value(txKey{}).(*txState)
	return ok && !st.scope.Platform
}

// PurgeSessions removes the current tenant's sessions that ended before the time.
func (SessionStore) PurgeSessions(ctx context.Context, before time.Time) (int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM sessions WHERE tenant_id = app_tenant_id() AND (expires_at < $1 OR revoked_at < $1)`, before)
	return int(tag.RowsAffected()), translate(err, "session")
}
