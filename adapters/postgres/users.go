package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/useradmin"
	"github.com/stvos/stvos/ports"
)

const userColumns = `tenant_id, id, email, password_hash, display_name, phone, phone_verified, email_verified, avatar_url, locale,
	timezone, country_code, preferred_language, status, suspension_reason, roles, mfa_enabled, notification_preferences,
	terms_accepted_at, last_login_at, created_at, updated_at, version`

// UserStore implements account.Store and useradmin.Store.
type UserStore struct{}

var (
	_ account.Store   = UserStore{}
	_ useradmin.Store = UserStore{}
)

func scanUser(row pgx.Row) (account.User, error) {
	var u account.User
	err := row.Scan(&u.TenantID, &u.ID, &u.Email, &u.PasswordHash, &u.DisplayName, &u.Phone, &u.PhoneVerified, &u.EmailVerified,
		&u.AvatarURL, &u.Locale, &u.Timezone, &u.CountryCode, &u.PreferredLanguage, &u.Status, &u.SuspensionReason, &u.Roles,
		&u.MFAEnabled, &u.NotificationPreferences, &u.TermsAcceptedAt, &u.LastLoginAt, &u.CreatedAt, &u.UpdatedAt, &u.Version)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	u.TermsAcceptedAt, u.LastLoginAt = utcPtr(u.TermsAcceptedAt), utcPtr(u.LastLoginAt)
	return u, err
}

// CreateUser inserts a user.
func (UserStore) CreateUser(ctx context.Context, u account.User) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23)`,
		u.TenantID, u.ID, u.Email, u.PasswordHash, u.DisplayName, u.Phone, u.PhoneVerified, u.EmailVerified, u.AvatarURL, u.Locale,
		u.Timezone, u.CountryCode, u.PreferredLanguage, u.Status, u.SuspensionReason, nonNil(u.Roles), u.MFAEnabled, u.NotificationPreferences,
		u.TermsAcceptedAt, u.LastLoginAt, u.CreatedAt, u.UpdatedAt, u.Version)
	return translate(err, "user")
}

// UserByEmail finds a user of the current tenant by normalised email.
func (UserStore) UserByEmail(ctx context.Context, email string) (account.User, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return account.User{}, err
	}
	u, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE tenant_id = app_tenant_id() AND email = $1`, email))
	return u, translate(err, "user")
}

// User loads a user of the current tenant for update.
func (UserStore) User(ctx context.Context, id string) (account.User, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return account.User{}, err
	}
	u, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE tenant_id = app_tenant_id() AND id = $1 FOR UPDATE`, id))
	return u, translate(err, "user")
}

// ReadUser reads a user of the current tenant without locking it.
func (UserStore) ReadUser(ctx context.Context, id string) (account.User, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return account.User{}, err
	}
	u, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE tenant_id = app_tenant_id() AND id = $1`, id))
	return u, translate(err, "user")
}

// SaveUser stores a user's changes.
func (UserStore) SaveUser(ctx context.Context, u account.User) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE users SET password_hash=$3, display_name=$4, phone=$5, phone_verified=$6, email_verified=$7,
		avatar_url=$8, locale=$9, timezone=$10, country_code=$11, preferred_language=$12, status=$13, suspension_reason=$14,
		roles=$15, mfa_enabled=$16, notification_preferences=$17, last_login_at=$18, updated_at=$19, version=$20
		WHERE tenant_id=$1 AND id=$2`,
		u.TenantID, u.ID, u.PasswordHash, u.DisplayName, u.Phone, u.PhoneVerified, u.EmailVerified, u.AvatarURL, u.Locale, u.Timezone,
		u.CountryCode, u.PreferredLanguage, u.Status, u.SuspensionReason, nonNil(u.Roles), u.MFAEnabled, u.NotificationPreferences,
		u.LastLoginAt, u.UpdatedAt, u.Version)
	if err == nil && tag.RowsAffected() == 0 {
		// The user was deleted meanwhile (an erasure): a sign-in that read it must not go on to
		// open a session for no one.
		return ports.NotFound("user")
	}
	return translate(err, "user")
}

// ListUsers returns the current tenant's users matching the filter, ordered by id.
func (UserStore) ListUsers(ctx context.Context, f useradmin.Filter, after string, limit int) ([]account.User, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	where := []string{"tenant_id = app_tenant_id()"}
	args := []any{}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if after != "" {
		where = append(where, "id > "+arg(after)+"::uuid")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		p := arg(q)
		where = append(where, "(to_tsvector('simple', email || ' ' || display_name) @@ plainto_tsquery('simple', "+p+
			") OR email ILIKE "+arg(likePrefix(q))+" OR display_name ILIKE "+arg("%"+likeEscape(q)+"%")+")")
	}
	if f.Status != "" {
		where = append(where, "status = "+arg(f.Status))
	}
	if f.Role != "" {
		where = append(where, arg(f.Role)+" = ANY (roles)")
	}
	if f.CountryCode != "" {
		where = append(where, "country_code = "+arg(f.CountryCode))
	}
	if f.CreatedAfter != nil {
		where = append(where, "created_at > "+arg(time.Unix(*f.CreatedAfter, 0)))
	}
	if f.CreatedBefore != nil {
		where = append(where, "created_at < "+arg(time.Unix(*f.CreatedBefore, 0)))
	}
	rows, err := tx.Query(ctx, `SELECT `+userColumns+` FROM users WHERE `+strings.Join(where, " AND ")+
		` ORDER BY id LIMIT `+arg(limit), args...)
	if err != nil {
		return nil, translate(err, "user")
	}
	us, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (account.User, error) { return scanUser(r) })
	return us, translate(err, "user")
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func likePrefix(s string) string { return likeEscape(s) + "%" }
