package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/identity"
)

// IdentityStore implements identity.Store.
type IdentityStore struct{}

var _ identity.Store = IdentityStore{}

// CreateOperator inserts an operator.
func (IdentityStore) CreateOperator(ctx context.Context, o identity.Operator) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO operators (id, email, name, password_hash, created_at) VALUES ($1,$2,$3,$4,$5)`,
		o.ID, o.Email, o.Name, o.PasswordHash, o.CreatedAt)
	return translate(err, "operator")
}

// OperatorByEmail finds an operator by normalised email.
func (IdentityStore) OperatorByEmail(ctx context.Context, email string) (identity.Operator, error) {
	return operatorWhere(ctx, "email", email)
}

// Operator finds an operator by id.
func (IdentityStore) Operator(ctx context.Context, id string) (identity.Operator, error) {
	return operatorWhere(ctx, "id", id)
}

func operatorWhere(ctx context.Context, column, value string) (identity.Operator, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return identity.Operator{}, err
	}
	var o identity.Operator
	err = tx.QueryRow(ctx, `SELECT id, email, name, password_hash, created_at FROM operators WHERE `+column+`::text = $1`, value).
		Scan(&o.ID, &o.Email, &o.Name, &o.PasswordHash, &o.CreatedAt)
	o.CreatedAt = o.CreatedAt.UTC()
	return o, translate(err, "operator")
}

const sessionColumns = `id, subject_kind, subject_id, refresh_hash, previous_hash, device, address, created_at, last_used_at, expires_at, revoked_at`

// sessionTable is where a session of the current scope lives: a tenant principal's in sessions,
// an operator's in operator_sessions.
func sessionTable(ctx context.Context) (table, tenantCols string) {
	if tenantScoped(ctx) {
		return "sessions", "tenant_id::text, coalesce(partner_id::text, ''), "
	}
	return "operator_sessions", "'', '', "
}

// CreateSession inserts a session.
func (IdentityStore) CreateSession(ctx context.Context, s identity.Session) error {
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

func scanSession(row pgx.Row) (identity.Session, error) {
	var s identity.Session
	err := row.Scan(&s.TenantID, &s.PartnerID, &s.ID, &s.SubjectKind, &s.SubjectID, &s.RefreshHash, &s.PreviousHash, &s.Device, &s.Address,
		&s.CreatedAt, &s.LastUsedAt, &s.ExpiresAt, &s.RevokedAt)
	s.CreatedAt, s.LastUsedAt, s.ExpiresAt, s.RevokedAt = s.CreatedAt.UTC(), s.LastUsedAt.UTC(), s.ExpiresAt.UTC(), utcPtr(s.RevokedAt)
	return s, err
}

// Session loads and locks a session of the current scope.
func (IdentityStore) Session(ctx context.Context, id string) (identity.Session, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return identity.Session{}, err
	}
	table, cols := sessionTable(ctx)
	s, err := scanSession(tx.QueryRow(ctx, `SELECT `+cols+sessionColumns+` FROM `+table+` WHERE id = $1 FOR UPDATE`, id))
	return s, translate(err, "session")
}

// SaveSession stores a session's rotation or revocation.
func (IdentityStore) SaveSession(ctx context.Context, s identity.Session) error {
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
func (IdentityStore) LiveSessions(ctx context.Context, kind, subjectID string) ([]identity.Session, error) {
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
	ss, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (identity.Session, error) { return scanSession(r) })
	return ss, translate(err, "session")
}

// RevokeSessions revokes a subject's live sessions but one.
func (IdentityStore) RevokeSessions(ctx context.Context, kind, subjectID, keep string) ([]string, error) {
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
