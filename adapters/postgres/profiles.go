package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/catalog"
	"github.com/stvos/stvos/core/profile"
	"github.com/stvos/stvos/ports"
)

// ProfileStore implements profile.Store.
type ProfileStore struct{}

var _ profile.Store = ProfileStore{}

const profileColumns = `tenant_id, id, user_id, name, coalesce(avatar_preset_id::text, ''), coalesce(pin_hash, ''),
	content_rating_limit, language, is_kids, autoplay_next_episode, is_primary, allowed_class_ids::text[], created_at, updated_at`

func scanProfile(row pgx.Row) (profile.Profile, error) {
	var p profile.Profile
	err := row.Scan(&p.TenantID, &p.ID, &p.UserID, &p.Name, &p.AvatarPresetID, &p.PINHash, &p.ContentRatingLimit, &p.Language,
		&p.IsKids, &p.AutoplayNextEpisode, &p.IsPrimary, &p.AllowedClassIDs, &p.CreatedAt, &p.UpdatedAt)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

// LockOwner takes a transaction-scoped advisory lock on the account's profiles, then reads the
// account (after the lock, so what follows sees every change committed before it was granted).
func (ProfileStore) LockOwner(ctx context.Context, userID string) (profile.Owner, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return profile.Owner{}, err
	}
	if !ports.IsID(userID) {
		return profile.Owner{}, ports.NotFound("user")
	}
	_, err = tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('profiles:' || app_tenant_id()::text || ':' || $1::uuid::text, 0))`,
		userID)
	if err != nil {
		return profile.Owner{}, translate(err, "user")
	}
	var o profile.Owner
	err = tx.QueryRow(ctx, `SELECT u.email, u.display_name, u.locale, u.password_hash, coalesce(m.pin_hash, '')
		FROM users u LEFT JOIN profile_master_pins m ON m.tenant_id = u.tenant_id AND m.user_id = u.id
		WHERE u.tenant_id = app_tenant_id() AND u.id = $1`, userID).
		Scan(&o.Email, &o.DisplayName, &o.Locale, &o.PasswordHash, &o.MasterPINHash)
	return o, translate(err, "user")
}

// List returns the account's profiles, the primary first, then by id (creation order: UUIDv7).
func (ProfileStore) List(ctx context.Context, userID string) ([]profile.Profile, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	if !ports.IsID(userID) {
		return []profile.Profile{}, nil
	}
	rows, err := tx.Query(ctx, `SELECT `+profileColumns+` FROM profiles WHERE tenant_id = app_tenant_id() AND user_id = $1
		ORDER BY is_primary DESC, id`, userID)
	if err != nil {
		return nil, translate(err, "profile")
	}
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (profile.Profile, error) { return scanProfile(r) })
	if ps == nil {
		ps = []profile.Profile{}
	}
	return ps, translate(err, "profile")
}

// Create inserts a profile.
func (ProfileStore) Create(ctx context.Context, p profile.Profile) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO profiles (tenant_id, id, user_id, name, avatar_preset_id, pin_hash, content_rating_limit,
			language, is_kids, autoplay_next_episode, is_primary, allowed_class_ids, created_at, updated_at)
		VALUES ($1, $2, $3, $4, nullif($5, '')::uuid, nullif($6, ''), $7, $8, $9, $10, $11, $12::uuid[], $13, $14)`,
		p.TenantID, p.ID, p.UserID, p.Name, p.AvatarPresetID, p.PINHash, p.ContentRatingLimit, p.Language, p.IsKids,
		p.AutoplayNextEpisode, p.IsPrimary, p.AllowedClassIDs, p.CreatedAt, p.UpdatedAt)
	return translate(err, "user")
}

// Get loads one of the account's profiles.
func (ProfileStore) Get(ctx context.Context, userID, id string, forUpdate bool) (profile.Profile, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return profile.Profile{}, err
	}
	if !ports.IsID(userID) || !ports.IsID(id) {
		return profile.Profile{}, ports.NotFound("profile")
	}
	lock := ""
	if forUpdate {
		lock = " FOR UPDATE"
	}
	p, err := scanProfile(tx.QueryRow(ctx, `SELECT `+profileColumns+` FROM profiles
		WHERE tenant_id = app_tenant_id() AND user_id = $1 AND id = $2`+lock, userID, id))
	return p, translate(err, "profile")
}

// Save stores a profile's fields.
func (ProfileStore) Save(ctx context.Context, p profile.Profile) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE profiles SET name = $3, avatar_preset_id = nullif($4, '')::uuid, pin_hash = nullif($5, ''),
			content_rating_limit = $6, language = $7, is_kids = $8, autoplay_next_episode = $9, allowed_class_ids = $10::uuid[],
			updated_at = $11
		WHERE tenant_id = app_tenant_id() AND user_id = $1 AND id = $2`,
		p.UserID, p.ID, p.Name, p.AvatarPresetID, p.PINHash, p.ContentRatingLimit, p.Language, p.IsKids, p.AutoplayNextEpisode,
		p.AllowedClassIDs, p.UpdatedAt)
	if err != nil {
		return translate(err, "profile")
	}
	if tag.RowsAffected() == 0 {
		return ports.NotFound("profile")
	}
	return nil
}

// Delete removes one of the account's profiles.
func (ProfileStore) Delete(ctx context.Context, userID, id string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	if !ports.IsID(userID) || !ports.IsID(id) {
		return ports.NotFound("profile")
	}
	tag, err := tx.Exec(ctx, `DELETE FROM profiles WHERE tenant_id = app_tenant_id() AND user_id = $1 AND id = $2`, userID, id)
	if err != nil {
		return translate(err, "profile")
	}
	if tag.RowsAffected() == 0 {
		return ports.NotFound("profile")
	}
	return nil
}

// UnknownClasses answers those of the ids that are no class of the tenant, or a deleted one.
func (ProfileStore) UnknownClasses(ctx context.Context, ids []string) ([]string, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT i.id::text FROM unnest($1::uuid[]) WITH ORDINALITY AS i (id, n)
		WHERE NOT EXISTS (SELECT 1 FROM classes k WHERE k.tenant_id = app_tenant_id() AND k.id = i.id AND k.deleted_at IS NULL)
		ORDER BY i.n`, ids)
	if err != nil {
		return nil, translate(err, "class")
	}
	unknown, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return unknown, translate(err, "class")
}

// MasterPIN reads the hash of the account's master PIN.
func (ProfileStore) MasterPIN(ctx context.Context, userID string) (string, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return "", err
	}
	if !ports.IsID(userID) {
		return "", nil
	}
	var hash string
	err = tx.QueryRow(ctx, `SELECT pin_hash FROM profile_master_pins WHERE tenant_id = app_tenant_id() AND user_id = $1`, userID).
		Scan(&hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return hash, translate(err, "user")
}

// SaveMasterPIN sets, or removes ("" hash), the account's master PIN.
func (ProfileStore) SaveMasterPIN(ctx context.Context, userID, hash string, at time.Time) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	if hash == "" {
		_, err = tx.Exec(ctx, `DELETE FROM profile_master_pins WHERE tenant_id = app_tenant_id() AND user_id = $1`, userID)
		return translate(err, "user")
	}
	_, err = tx.Exec(ctx, `INSERT INTO profile_master_pins (tenant_id, user_id, pin_hash, updated_at)
		VALUES (app_tenant_id(), $1, $2, $3)
		ON CONFLICT (tenant_id, user_id) DO UPDATE SET pin_hash = excluded.pin_hash, updated_at = excluded.updated_at`,
		userID, hash, at)
	return translate(err, "user")
}

// ViewerLimits reads the content rating limit and chosen titles of a viewer's profile, for the
// catalog (see catalog.Store): it lives here, beside the table it reads.
func (CatalogStore) ViewerLimits(ctx context.Context, v catalog.Viewer) (string, []string, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return "", nil, err
	}
	if !ports.IsID(v.UserID) || !ports.IsID(v.ProfileID) {
		return "", nil, ports.NotFound("profile")
	}
	var (
		limit string
		ids   []string
	)
	err = tx.QueryRow(ctx, `SELECT content_rating_limit, allowed_class_ids::text[] FROM profiles
		WHERE tenant_id = app_tenant_id() AND user_id = $1 AND id = $2`, v.UserID, v.ProfileID).Scan(&limit, &ids)
	return limit, ids, translate(err, "profile")
}
