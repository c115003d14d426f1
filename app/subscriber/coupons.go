package subscriber

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/coupon"
	"github.com/stvos/stvos/ports"
)

// CouponBody is a coupon as the specification shows it.
type CouponBody struct {
	ID                    string          `json:"id" format:"uuid"`
	Code                  string          `json:"code"`
	Description           string          `json:"description"`
	DiscountType          string          `json:"discount_type" enum:"percent,fixed_amount,free_trial_days"`
	DiscountValue         surface.Decimal `json:"discount_value" example:"20" doc:"percent: percentage off (1–100); fixed_amount: flat discount in currency, exact; free_trial_days: days."`
	Currency              *string         `json:"currency" nullable:"true" doc:"ISO 4217 currency code of a fixed_amount coupon; null otherwise."`
	ApplicablePlanIDs     []string        `json:"applicable_plan_ids" doc:"Plans the coupon applies to; empty applies to all plans."`
	MaxRedemptions        *int            `json:"max_redemptions" nullable:"true" doc:"Maximum total redemptions; null is unlimited."`
	MaxRedemptionsPerUser int             `json:"max_redemptions_per_user"`
	RedemptionCount       int             `json:"redemption_count"`
	ValidFrom             time.Time       `json:"valid_from"`
	ValidUntil            *time.Time      `json:"valid_until" nullable:"true" doc:"Null: no expiry date."`
	Status                string          `json:"status" enum:"active,expired,disabled" doc:"expired: past valid_until (system-managed); disabled: deactivated by an admin."`
	CreatedAt             time.Time       `json:"created_at"`
	UpdatedAt             time.Time       `json:"updated_at"`
}

func couponBody(c coupon.Coupon, now time.Time) CouponBody {
	var currency *string
	if c.Value.Currency != "" {
		cur := c.Value.Currency
		currency = &cur
	}
	return CouponBody{ID: c.ID, Code: c.Code, Description: c.Description, DiscountType: c.Type,
		DiscountValue: surface.Decimal(c.DiscountValue()), Currency: currency, ApplicablePlanIDs: c.PlanIDs,
		MaxRedemptions: c.MaxRedemptions, MaxRedemptionsPerUser: c.MaxRedemptionsPerUser, RedemptionCount: c.RedemptionCount,
		ValidFrom: c.ValidFrom, ValidUntil: c.ValidUntil, Status: c.Status(now), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

// CreateCouponBody is the specification's Create Coupon request.
type CreateCouponBody struct {
	Code                  string          `json:"code" maxLength:"50" pattern:"^[A-Z0-9_-]+$" doc:"Human-readable coupon code. Uppercase alphanumeric, hyphens, underscores. Unique in the client, whatever the case."`
	Description           string          `json:"description,omitempty" maxLength:"500"`
	DiscountType          string          `json:"discount_type" enum:"percent,fixed_amount,free_trial_days"`
	DiscountValue         surface.Decimal `json:"discount_value" example:"20" doc:"Interpretation depends on discount_type: percent — percentage off (1–100, at most 2 decimal places). fixed_amount — flat discount in currency (exact, at most the currency's minor digits). free_trial_days — number of free trial days (integer, up to 3650)."`
	Currency              string          `json:"currency,omitempty" minLength:"3" maxLength:"3" doc:"ISO 4217 currency code. Required and only applicable when discount_type is fixed_amount."`
	ApplicablePlanIDs     []string        `json:"applicable_plan_ids,omitempty" maxItems:"100" doc:"Plan UUIDs this coupon applies to (plans of this client). Empty array = applies to all plans."`
	MaxRedemptions        *int            `json:"max_redemptions,omitempty" minimum:"1" nullable:"true" doc:"Maximum total redemptions allowed. Null = unlimited."`
	MaxRedemptionsPerUser int             `json:"max_redemptions_per_user,omitempty" minimum:"1" default:"1" doc:"Maximum redemptions allowed per individual user account."`
	ValidFrom             time.Time       `json:"valid_from" doc:"Coupon becomes active at this timestamp (UTC)."`
	ValidUntil            *time.Time      `json:"valid_until,omitempty" nullable:"true" doc:"Coupon expires at this timestamp. Null = no expiry date."`
	Status                string          `json:"status" enum:"active,expired,disabled" doc:"active — usable. disabled — manually deactivated by admin. expired is system-managed (past valid_until) and refused here."`
}

// CreateCouponInput adds a coupon.
type CreateCouponInput struct {
	Body CreateCouponBody
}

// UpdateCouponBody is the specification's Update Coupon request: the only fields that may change.
type UpdateCouponBody struct {
	Status         *string    `json:"status,omitempty" enum:"active,disabled" doc:"Disable or re-enable the coupon."`
	MaxRedemptions *int       `json:"max_redemptions,omitempty" minimum:"1" doc:"At least the redemptions so far."`
	ValidUntil     *time.Time `json:"valid_until,omitempty"`
	Description    *string    `json:"description,omitempty" maxLength:"500"`
	// The immutable fields are read (and left out of the documents) only to be refused by name.
	Code          any `json:"code,omitempty" hidden:"true"`
	DiscountType  any `json:"discount_type,omitempty" hidden:"true"`
	DiscountValue any `json:"discount_value,omitempty" hidden:"true"`
}

// immutable refuses, by name, any field of a coupon that never changes after creation.
func (b UpdateCouponBody) immutable() error {
	var v ports.Validation
	for _, f := range []struct {
		name  string
		value any
	}{{"code", b.Code}, {"discount_type", b.DiscountType}, {"discount_value", b.DiscountValue}} {
		v.Check(f.value == nil, f.name, "is immutable after creation")
	}
	return v.Err()
}

// CouponIDInput names a coupon.
type CouponIDInput struct {
	CouponID string `path:"coupon_id" format:"uuid"`
}

// UpdateCouponInput changes a coupon.
type UpdateCouponInput struct {
	CouponIDInput
	IfMatch string `header:"If-Match" doc:"The ETag last read; refused with 412 if the coupon changed since. Recommended on all admin mutations."`
	Body    UpdateCouponBody
}

// DeleteCouponInput deletes a coupon.
type DeleteCouponInput struct {
	CouponIDInput
	IfMatch string `header:"If-Match" doc:"The ETag last read; refused with 412 if the coupon changed since."`
}

// CouponOutput is one coupon with its ETag.
type CouponOutput struct {
	ETag string `header:"ETag"`
	Body CouponBody
}

// ListCouponsInput pages coupons.
type ListCouponsInput struct {
	Cursor string `query:"cursor" maxLength:"64" doc:"Opaque pagination cursor from meta.next_cursor."`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20" doc:"Number of items per page (1–100, default 20)."`
	Status string `query:"status" enum:"active,expired,disabled" doc:"Only coupons with this status now."`
}

// CouponListOutput is a page of coupons.
type CouponListOutput struct {
	Body surface.CursorPage[CouponBody]
}

// ValidateCouponInput checks a code against a plan.
type ValidateCouponInput struct {
	Body struct {
		Code   string `json:"code" maxLength:"50" doc:"The coupon code, in any case."`
		PlanID string `json:"plan_id" format:"uuid" doc:"An active plan of the client."`
	}
}

// CouponDiscountBody is what a valid coupon takes off one billing cycle of the plan.
type CouponDiscountBody struct {
	DiscountAmount surface.Decimal `json:"discount_amount" example:"2.00" doc:"Taken off the plan's price, exact: percentages round half up to the currency's minor unit; never more than the price."`
	AmountDue      surface.Decimal `json:"amount_due" example:"7.99" doc:"The plan's price after the discount, never below 0."`
	Currency       string          `json:"currency" example:"USD" doc:"The plan's currency."`
	FreeTrialDays  int             `json:"free_trial_days" doc:"Free trial days the coupon grants (free_trial_days coupons), else 0."`
}

// ValidateCouponBody is the specification's validation answer, with the discount previewed.
type ValidateCouponBody struct {
	Valid     bool                `json:"valid"`
	Coupon    *CouponBody         `json:"coupon,omitempty" doc:"The coupon, when valid."`
	Discount  *CouponDiscountBody `json:"discount,omitempty" doc:"The discount on the plan, when valid."`
	ErrorCode *string             `json:"error_code,omitempty" enum:"not_found,disabled,not_yet_valid,expired,exhausted,already_redeemed,plan_not_applicable,currency_mismatch" doc:"Why the coupon cannot be used, when not valid: not_found, disabled, not_yet_valid, expired, exhausted (no redemptions left), already_redeemed (the account's own redemptions used up), plan_not_applicable, currency_mismatch (a fixed amount in another currency than the plan's)."`
}

// ValidateCouponOutput is the validation answer.
type ValidateCouponOutput struct {
	Body ValidateCouponBody
}

func registerCoupons(s *surface.Surface, coupons *coupon.Service) {
	admin := func(perm string) map[string]any { return surface.Permit(perm, surface.UserToken) }
	tenantOf := func(ctx context.Context) string { return surface.PrincipalFrom(ctx).TenantID }
	output := func(c coupon.Coupon, err error) (*CouponOutput, error) {
		if err != nil {
			return nil, err
		}
		return &CouponOutput{ETag: surface.ETag(c.Version), Body: couponBody(c, coupons.Now())}, nil
	}
	huma.Register(s.API, huma.Operation{
		OperationID: "list-coupons", Method: http.MethodGet, Path: "/admin/coupons", Tags: []string{"admin-coupons"},
		Summary: "List coupons (admin)", Description: "The client's coupons in creation order, cursor-paginated; by status now when asked.",
		Metadata: admin("admin:coupons:read"), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ListCouponsInput) (*CouponListOutput, error) {
		limit := max(in.Limit, 1)
		cs, more, err := coupons.List(ctx, tenantOf(ctx), in.Status, in.Cursor, limit)
		if err != nil {
			return nil, err
		}
		now := coupons.Now()
		body := make([]CouponBody, len(cs))
		for i, c := range cs {
			body[i] = couponBody(c, now)
		}
		return &CouponListOutput{Body: surface.NewCursorPage(body, more, limit, func(c CouponBody) string { return c.ID })}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "create-coupon", Method: http.MethodPost, Path: "/admin/coupons", Tags: []string{"admin-coupons"},
		Summary: "Create a coupon (admin)",
		Description: "code, discount_type and discount_value are immutable after creation. The code is unique in the client " +
			"whatever its case (409 COUPON_CODE_TAKEN). Audit-logged.",
		DefaultStatus: http.StatusCreated, Metadata: admin("admin:coupons:write"),
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CreateCouponInput) (*CouponOutput, error) {
		b := in.Body
		return output(coupons.Create(ctx, tenantOf(ctx), surface.PrincipalFrom(ctx).Actor(), coupon.Input{Code: b.Code,
			Description: b.Description, Type: b.DiscountType, Value: string(b.DiscountValue), Currency: b.Currency,
			PlanIDs: b.ApplicablePlanIDs, MaxRedemptions: b.MaxRedemptions, MaxRedemptionsPerUser: max(b.MaxRedemptionsPerUser, 1),
			ValidFrom: b.ValidFrom, ValidUntil: b.ValidUntil, Status: b.Status}))
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-coupon", Method: http.MethodGet, Path: "/admin/coupons/{coupon_id}", Tags: []string{"admin-coupons"},
		Summary: "Get a coupon (admin)", Metadata: admin("admin:coupons:read"), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *CouponIDInput) (*CouponOutput, error) {
		return output(coupons.Get(ctx, tenantOf(ctx), in.CouponID))
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "update-coupon", Method: http.MethodPatch, Path: "/admin/coupons/{coupon_id}", Tags: []string{"admin-coupons"},
		Summary: "Update a coupon (admin)",
		Description: "Allowed updates: status (disable/re-enable), max_redemptions, valid_until, description. code, discount_type, " +
			"and discount_value are immutable after creation: a request naming them is refused with 422. Audit-logged.",
		Metadata: admin("admin:coupons:write"),
		Errors:   []int{http.StatusNotFound, http.StatusPreconditionFailed, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *UpdateCouponInput) (*CouponOutput, error) {
		v, err := surface.IfMatchVersion(in.IfMatch)
		if err != nil {
			return nil, err
		}
		b := in.Body
		if err := b.immutable(); err != nil {
			return nil, err
		}
		return output(coupons.Update(ctx, tenantOf(ctx), surface.PrincipalFrom(ctx).Actor(), in.CouponID,
			coupon.Patch{Status: b.Status, MaxRedemptions: b.MaxRedemptions, ValidUntil: b.ValidUntil, Description: b.Description}, v))
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "delete-coupon", Method: http.MethodDelete, Path: "/admin/coupons/{coupon_id}", Tags: []string{"admin-coupons"},
		Summary: "Delete a coupon (admin)",
		Description: "Hard-deletes a coupon. Forbidden if the coupon has been redeemed (409 COUPON_REDEEMED: disable instead). " +
			"Audit-logged.",
		DefaultStatus: http.StatusNoContent, Metadata: admin("admin:coupons:write"),
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusPreconditionFailed},
	}, func(ctx context.Context, in *DeleteCouponInput) (*struct{}, error) {
		v, err := surface.IfMatchVersion(in.IfMatch)
		if err != nil {
			return nil, err
		}
		return nil, coupons.Delete(ctx, tenantOf(ctx), surface.PrincipalFrom(ctx).Actor(), in.CouponID, v)
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "validate-coupon", Method: http.MethodPost, Path: "/coupons/validate", Tags: []string{"coupons"},
		Summary: "Validate a coupon code",
		Description: "Checks if a coupon code is valid for the current user and plan before applying, and previews the discount " +
			"on one billing cycle of the plan. Changes nothing. A plan that is not an active plan of the client is 404.",
		Metadata: surface.PermitScoped("self:coupons:read", "subscription:read", surface.UserToken),
		Errors:   []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ValidateCouponInput) (*ValidateCouponOutput, error) {
		p := surface.PrincipalFrom(ctx)
		ch, err := coupons.Validate(ctx, p.TenantID, p.Subject, in.Body.Code, in.Body.PlanID)
		if err != nil {
			return nil, err
		}
		if ch.Reason != "" {
			reason := ch.Reason
			return &ValidateCouponOutput{Body: ValidateCouponBody{ErrorCode: &reason}}, nil
		}
		c := couponBody(ch.Coupon, coupons.Now())
		d := ch.Discount
		return &ValidateCouponOutput{Body: ValidateCouponBody{Valid: true, Coupon: &c, Discount: &CouponDiscountBody{
			DiscountAmount: surface.Decimal(d.Amount.Decimal()), AmountDue: surface.Decimal(d.Due.Decimal()),
			Currency: strings.ToUpper(ch.Plan.Price.Currency), FreeTrialDays: d.TrialDays}}}, nil
	})
}
