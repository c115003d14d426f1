package coupon

import (
	"context"
	"time"

	"github.com/stvos/stvos/core/plan"
)

// Store keeps coupons and their redemptions, in the tenant's unit of work. Missing rows are
// ports.ErrNotFound; a code already used by another coupon of the tenant (whatever its case) is
// ports.ErrConflict with code COUPON_CODE_TAKEN.
type Store interface {
	Create(ctx context.Context, c Coupon) error
	// Get loads a coupon of the tenant (for update when forUpdate).
	Get(ctx context.Context, id string, forUpdate bool) (Coupon, error)
	// GetByCode loads the tenant's coupon with the code, compared case-insensitively.
	GetByCode(ctx context.Context, code string) (Coupon, error)
	// Save stores what an admin may change of a coupon (description, max redemptions, valid
	// until, disabled), its update time and version.
	Save(ctx context.Context, c Coupon) error
	// Delete removes a coupon that was never redeemed; a redeemed one is ports.ErrConflict with
	// code COUPON_REDEEMED and stays.
	Delete(ctx context.Context, id string) error
	// List returns up to limit coupons of the tenant whose id is after the given one (any when
	// empty), in id order, which is creation order; only those with the status at now when status
	// is not empty.
	List(ctx context.Context, status string, now time.Time, after string, limit int) ([]Coupon, error)
	// UserRedemptions counts the user's redemptions of the coupon.
	UserRedemptions(ctx context.Context, couponID, userID string) (int, error)
	// Redeem records one redemption of the coupon by the user, atomically against concurrent
	// redemptions: the coupon's count rises by one only while below its max_redemptions and the
	// user's redemptions below max_redemptions_per_user. Otherwise it is ports.ErrConflict with
	// code COUPON_EXHAUSTED or COUPON_ALREADY_REDEEMED and nothing is recorded.
	Redeem(ctx context.Context, r Redemption) error
}

// Redemption is one use of a coupon by a user.
type Redemption struct {
	ID       string
	CouponID string
	UserID   string
	At       time.Time
}

// Plans finds the tenant's plans a coupon names; plan.Store is one.
type Plans interface {
	Get(ctx context.Context, id string, forUpdate bool) (plan.Plan, error)
}
