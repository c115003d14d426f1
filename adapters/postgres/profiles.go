package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/catalog"
	"github.com/stvos/stvos/core/profile"
	"github.com/stvos/stvos/ports"
)

// ProfileStore implements profile.Store.
type ProfileStore struct{}

var _ profile.Store = ProfileStore{}

const profileColumns = `tenant_id, id, user_id, name, coalesce(avatar_preset_id::text, ''), coalesce(pin_hash, ''),
	content_rating_limit, language, is_kids, autoplay_next_episode, is_primary, created_at, updated_at`

func scanProfile(row pgx.Row) (profile.Profile, error) {
	var p profile.Profile
	err := row.Scan(&p.TenantID, &p.ID, &p.UserID, &p.Name, &p.AvatarPresetID, &p.PINHash, &p.ContentRatingLimit, &p.Language,
		&p.IsKids, &p.AutoplayNextEpisode, &p.IsPrimary, &p.CreatedAt, &p.UpdatedAt)
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
	err = tx.QueryRow(ctx, `SELECT display_name, locale FROM users WHERE tenant_id = app_tenant_id() AND id = $1`, userID).
		Scan(&o.DisplayName, &o.Locale)
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
			language, is_kids, autoplay_next_episode, is_primary, created_at, updated_at)
		VALUES ($1, $2, $3, $4, nullif($5, '')::uuid, nullif($6, ''), $7, $8, $9, $10, $11, $12, $13)`,
		p.TenantID, p.ID, p.UserID, p.Name, p.AvatarPresetID, p.PINHash, p.ContentRatingLimit, p.Language, p.IsKids,
		p.AutoplayNextEpisode, p.IsPrimary, p.CreatedAt, p.UpdatedAt)
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
			content_rating_limit = $6, language = $7, is_kids = $8, autoplay_next_episode = $9, updated_at = $10
		WHERE tenant_id = app_tenant_id() AND user_id = $1 AND id = $2`,
		p.UserID, p.ID, p.Name, p.AvatarPresetID, p.PINHash, p.ContentRatingLimit, p.Language, p.IsKids, p.AutoplayNextEpisode,
		p.UpdatedAt)
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

// RatingLimit reads the content rating limit of a viewer's profile, for the catalog (see
// catalog.Store): it lives here, beside the table it reads.
func (CatalogStore) RatingLimit(ctx context.Context, v catalog.Viewer) (string, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return "", err
	}
	if !ports.IsID(v.UserID) || !ports.IsID(v.ProfileID) {
		return "", ports.NotFound("profile")
	}
	var limit string
	err = tx.QueryRow(ctx, `SELECT content_rating_limit FROM profiles WHERE tenant_id = app_tenant_id() AND user_id = $1 AND id = $2`,
		v.UserID, v.ProfileID).Scan(&limit)
	return limit, translate(err, "profile")
}
