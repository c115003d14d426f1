package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/coupon"
	"github.com/stvos/stvos/ports"
)

// CouponStore implements coupon.Store.
type CouponStore struct{}

var _ coupon.Store = CouponStore{}

const couponColumns = `tenant_id, id, code, description, discount_type, value_minor, value_digits, coalesce(currency, ''),
	applicable_plan_ids::text[], max_redemptions, max_redemptions_per_user, redemption_count, valid_from, valid_until, disabled,
	created_at, updated_at, version`

func scanCoupon(row pgx.Row) (coupon.Coupon, error) {
	var c coupon.Coupon
	err := row.Scan(&c.TenantID, &c.ID, &c.Code, &c.Description, &c.Type, &c.Value.Minor, &c.Value.Digits, &c.Value.Currency,
		&c.PlanIDs, &c.MaxRedemptions, &c.MaxRedemptionsPerUser, &c.RedemptionCount, &c.ValidFrom, &c.ValidUntil, &c.Disabled,
		&c.CreatedAt, &c.UpdatedAt, &c.Version)
	c.ValidFrom, c.CreatedAt, c.UpdatedAt = c.ValidFrom.UTC(), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if c.ValidUntil != nil {
		u := c.ValidUntil.UTC()
		c.ValidUntil = &u
	}
	if c.PlanIDs == nil {
		c.PlanIDs = []string{}
	}
	return c, err
}

// currencyOrNull stores no currency as NULL, as the table's check wants for percent and days.
func currencyOrNull(c string) *string {
	if c == "" {
		return nil
	}
	return &c
}

// Create inserts a coupon.
func (CouponStore) Create(ctx context.Context, c coupon.Coupon) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	ids := c.PlanIDs
	if ids == nil {
		ids = []string{}
	}
	_, err = tx.Exec(ctx, `INSERT INTO coupons (tenant_id, id, code, description, discount_type, value_minor, value_digits,
		currency, applicable_plan_ids, max_redemptions, max_redemptions_per_user, redemption_count, valid_from, valid_until,
		disabled, created_at, updated_at, version)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9::text[]::uuid[],$10,$11,$12,$13,$14,$15,$16,$17,$18)`,
		c.TenantID, c.ID, c.Code, c.Description, c.Type, c.Value.Minor, c.Value.Digits, currencyOrNull(c.Value.Currency), ids,
		c.MaxRedemptions, c.MaxRedemptionsPerUser, c.RedemptionCount, c.ValidFrom, c.ValidUntil, c.Disabled, c.CreatedAt,
		c.UpdatedAt, c.Version)
	return translate(err, "coupon")
}

// Get loads a coupon of the tenant.
func (CouponStore) Get(ctx context.Context, id string, forUpdate bool) (coupon.Coupon, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return coupon.Coupon{}, err
	}
	lock := ""
	if forUpdate {
		lock = " FOR UPDATE"
	}
	c, err := scanCoupon(tx.QueryRow(ctx, `SELECT `+couponColumns+` FROM coupons WHERE tenant_id = app_tenant_id() AND id = $1`+lock, id))
	return c, translate(err, "coupon")
}

// GetByCode loads the tenant's coupon with the code, whatever its case (the coupons_code index).
func (CouponStore) GetByCode(ctx context.Context, code string) (coupon.Coupon, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return coupon.Coupon{}, err
	}
	c, err := scanCoupon(tx.QueryRow(ctx, `SELECT `+couponColumns+` FROM coupons
		WHERE tenant_id = app_tenant_id() AND upper(code) = upper($1)`, code))
	return c, translate(err, "coupon")
}

// Save stores what an admin may change of a coupon.
func (CouponStore) Save(ctx context.Context, c coupon.Coupon) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE coupons SET description=$2, max_redemptions=$3, valid_until=$4, disabled=$5, updated_at=$6,
		version=$7 WHERE tenant_id = app_tenant_id() AND id = $1`,
		c.ID, c.Description, c.MaxRedemptions, c.ValidUntil, c.Disabled, c.UpdatedAt, c.Version)
	return translate(err, "coupon")
}

// Delete removes a coupon never redeemed.
func (CouponStore) Delete(ctx context.Context, id string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	var redeemed bool
	err = tx.QueryRow(ctx, `WITH gone AS (
			DELETE FROM coupons WHERE tenant_id = app_tenant_id() AND id = $1 AND redemption_count = 0
				AND NOT EXISTS (SELECT 1 FROM coupon_redemptions r WHERE r.tenant_id = app_tenant_id() AND r.coupon_id = $1)
			RETURNING id)
		SELECT NOT EXISTS (SELECT 1 FROM gone) FROM coupons WHERE tenant_id = app_tenant_id() AND id = $1`, id).Scan(&redeemed)
	if errors.Is(err, pgx.ErrNoRows) {
		return ports.NotFound("coupon")
	}
	if err != nil {
		return translate(err, "coupon")
	}
	if redeemed {
		return ports.Conflict("COUPON_REDEEMED", "The coupon has been redeemed and cannot be deleted; disable it instead.")
	}
	return nil
}

// statusFilter is the condition of each status at $n (the time the statuses are computed at).
var statusFilter = map[string]string{
	coupon.StatusActive:   ` AND NOT disabled AND (valid_until IS NULL OR valid_until > $3)`,
	coupon.StatusExpired:  ` AND NOT disabled AND valid_until <= $3`,
	coupon.StatusDisabled: ` AND disabled`,
}

// List returns up to limit coupons after the given id, in id order (creation order: ids are
// UUIDv7), of the status at now when status is not empty.
func (CouponStore) List(ctx context.Context, status string, now time.Time, after string, limit int) ([]coupon.Coupon, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	if after == "" {
		after = "00000000-0000-0000-0000-000000000000"
	}
	rows, err := tx.Query(ctx, `SELECT `+couponColumns+` FROM coupons
		WHERE tenant_id = app_tenant_id() AND id > $1::uuid AND $3::timestamptz IS NOT NULL`+statusFilter[status]+
		` ORDER BY id LIMIT $2`, after, limit, now)
	if err != nil {
		return nil, translate(err, "coupon")
	}
	cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (coupon.Coupon, error) { return scanCoupon(r) })
	return cs, translate(err, "coupon")
}

// UserRedemptions counts the user's redemptions of the coupon.
func (CouponStore) UserRedemptions(ctx context.Context, couponID, userID string) (int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = tx.QueryRow(ctx, `SELECT count(*) FROM coupon_redemptions
		WHERE tenant_id = app_tenant_id() AND coupon_id = $1 AND user_id = $2`, couponID, userID).Scan(&n)
	return n, translate(err, "coupon")
}

// Redeem records a redemption within the coupon's limits. The first statement locks the coupon's
// row, so concurrent redemptions of one coupon queue behind each other; the second starts after
// the lock is held, so under READ COMMITTED its count of the user's redemptions and its
// conditional increment see every redemption committed before.
func (CouponStore) Redeem(ctx context.Context, r coupon.Redemption) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	var exhausted bool
	err = tx.QueryRow(ctx, `SELECT max_redemptions IS NOT NULL AND redemption_count >= max_redemptions FROM coupons
		WHERE tenant_id = app_tenant_id() AND id = $1 FOR UPDATE`, r.CouponID).Scan(&exhausted)
	if err != nil {
		return translate(err, "coupon")
	}
	if exhausted {
		return ports.Conflict("COUPON_EXHAUSTED", "The coupon has been redeemed as often as it may be.")
	}
	tag, err := tx.Exec(ctx, `WITH counted AS (
			UPDATE coupons SET redemption_count = redemption_count + 1
			WHERE tenant_id = app_tenant_id() AND id = $1
				AND (max_redemptions IS NULL OR redemption_count < max_redemptions)
				AND max_redemptions_per_user > (SELECT count(*) FROM coupon_redemptions
					WHERE tenant_id = app_tenant_id() AND coupon_id = $1 AND user_id = $2)
			RETURNING tenant_id, id)
		INSERT INTO coupon_redemptions (tenant_id, id, coupon_id, user_id, redeemed_at)
		SELECT tenant_id, $3, id, $2, $4 FROM counted`, r.CouponID, r.UserID, r.ID, r.At)
	if err != nil {
		return translate(err, "coupon")
	}
	if tag.RowsAffected() == 0 {
		return ports.Conflict("COUPON_ALREADY_REDEEMED", "The account has redeemed the coupon as often as it may.")
	}
	return nil
}
