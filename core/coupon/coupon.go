// Package coupon is a client's discount coupons: a code a subscriber enters when subscribing, worth
// a percentage off, a fixed amount off (in one currency) or free trial days, limited to some plans,
// to a validity window, and to a number of redemptions overall and per user. The client's admins
// create and change coupons; code, discount type and value never change once created.
// Subscribers check a code against a plan before subscribing; the subscription use cases redeem it
// (Apply, then Store.Redeem in the same unit of work).
package coupon

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/ports"
)

// The discount types.
const (
	TypePercent       = "percent"
	TypeFixedAmount   = "fixed_amount"
	TypeFreeTrialDays = "free_trial_days"
)

// The statuses. Active and disabled are stored; expired is what an active coupon past its
// valid_until reads as (system-managed, never written).
const (
	StatusActive   = "active"
	StatusExpired  = "expired"
	StatusDisabled = "disabled"
)

// Types and Statuses list the allowed values.
var (
	Types    = []string{TypePercent, TypeFixedAmount, TypeFreeTrialDays}
	Statuses = []string{StatusActive, StatusExpired, StatusDisabled}
)

// Limits of coupon fields, as the subscriber management specification states them. The
// specification bounds free trial days only below; the upper bound keeps date arithmetic sane.
const (
	MaxCodeLength        = 50
	MaxDescriptionLength = 500
	MaxTrialDays         = 3650
	MaxApplicablePlans   = 100
	DefaultPageSize      = 20
	MaxPageSize          = 100
	// PercentDigits is how many decimal places a percentage may have (12.5 or 33.33 percent).
	PercentDigits = 2
)

// codePattern is the specification's coupon code format.
var codePattern = regexp.MustCompile(`^[A-Z0-9_-]+$`)

// Coupon is one coupon of a client.
type Coupon struct {
	ID          string
	TenantID    string
	Code        string
	Description string
	Type        string
	// Value is the discount, exact: for fixed_amount an amount of money in its currency; for
	// percent hundredths of a percent with Digits 2 and no currency (1250 is 12.5 percent); for
	// free_trial_days whole days with Digits 0 and no currency.
	Value money.Amount
	// PlanIDs are the plans the coupon applies to; empty applies to every plan.
	PlanIDs []string
	// MaxRedemptions bounds redemptions overall; nil is unlimited.
	MaxRedemptions        *int
	MaxRedemptionsPerUser int
	RedemptionCount       int
	ValidFrom             time.Time
	// ValidUntil, when set, is when the coupon stops being usable.
	ValidUntil *time.Time
	// Disabled is the admin's manual deactivation.
	Disabled  bool
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version counts changes, from 1; it is the coupon's ETag.
	Version int
}

// Status answers what the coupon reads as at now: disabled when an admin disabled it, expired
// when past its valid_until, active otherwise.
func (c Coupon) Status(now time.Time) string {
	switch {
	case c.Disabled:
		return StatusDisabled
	case c.ValidUntil != nil && !now.Before(*c.ValidUntil):
		return StatusExpired
	}
	return StatusActive
}

// DiscountValue writes the value as the API shows discount_value: the amount with its currency's
// digits, the percentage or the days without trailing zeros.
func (c Coupon) DiscountValue() string {
	s := c.Value.Decimal()
	if c.Type != TypeFixedAmount && strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// Input is what an admin writes of a new coupon.
type Input struct {
	Code        string
	Description string
	Type        string
	// Value is the exact decimal the API received as discount_value.
	Value                 string
	Currency              string
	PlanIDs               []string
	MaxRedemptions        *int
	MaxRedemptionsPerUser int
	ValidFrom             time.Time
	ValidUntil            *time.Time
	Status                string
}

// coupon validates the input and answers the coupon it describes, without id, tenant or times.
// Fields are named as the API names them.
func (in Input) coupon(currencies ports.Currencies) (Coupon, error) {
	var v ports.Validation
	c := Coupon{Code: in.Code, Description: in.Description, Type: in.Type, MaxRedemptionsPerUser: in.MaxRedemptionsPerUser,
		ValidFrom: in.ValidFrom.UTC().Truncate(time.Microsecond)}
	v.Check(utf8.RuneCountInString(in.Code) <= MaxCodeLength && codePattern.MatchString(in.Code), "code",
		"must be 1 to 50 characters: uppercase letters, digits, hyphens and underscores")
	v.Check(utf8.RuneCountInString(in.Description) <= MaxDescriptionLength, "description", "must be at most 500 characters")
	currency := strings.ToUpper(strings.TrimSpace(in.Currency))
	switch in.Type {
	case TypeFixedAmount:
		if v.Check(currency != "", "currency", "is required when discount_type is fixed_amount") {
			amount, ok := money.Read(&v, currencies, in.Value, currency, "discount_value", "currency")
			if ok && v.Check(amount.Minor > 0, "discount_value", "must be more than 0") {
				c.Value = amount
			}
		}
	case TypePercent:
		v.Check(currency == "", "currency", "applies only when discount_type is fixed_amount")
		bps, reason := money.Parse(in.Value, PercentDigits)
		if v.Check(reason == "", "discount_value", "must be a percentage from 1 to 100 with at most 2 decimal places") {
			if v.Check(bps >= 100 && bps <= 10000, "discount_value", "must be a percentage from 1 to 100") {
				c.Value = money.Amount{Minor: bps, Digits: PercentDigits}
			}
		}
	case TypeFreeTrialDays:
		v.Check(currency == "", "currency", "applies only when discount_type is fixed_amount")
		days, reason := money.Parse(in.Value, 0)
		if v.Check(reason == "" && days >= 1 && days <= MaxTrialDays, "discount_value",
			"must be a whole number of days from 1 to 3650") {
			c.Value = money.Amount{Minor: days}
		}
	default:
		v.Add("discount_type", "must be percent, fixed_amount or free_trial_days")
	}
	c.PlanIDs = []string{}
	if v.Check(len(in.PlanIDs) <= MaxApplicablePlans, "applicable_plan_ids", "must list at most 100 plans") {
		for _, id := range in.PlanIDs {
			if !v.Check(ports.IsID(id), "applicable_plan_ids", "must list plan ids") {
				break
			}
			if !slices.Contains(c.PlanIDs, id) {
				c.PlanIDs = append(c.PlanIDs, id)
			}
		}
	}
	if m := in.MaxRedemptions; m != nil && v.Check(*m >= 1, "max_redemptions", "must be at least 1, or null for unlimited") {
		n := *m
		c.MaxRedemptions = &n
	}
	v.Check(in.MaxRedemptionsPerUser >= 1, "max_redemptions_per_user", "must be at least 1")
	v.Check(!in.ValidFrom.IsZero(), "valid_from", "is required")
	if u := in.ValidUntil; u != nil {
		until := u.UTC().Truncate(time.Microsecond)
		if v.Check(until.After(c.ValidFrom), "valid_until", "must be after valid_from") {
			c.ValidUntil = &until
		}
	}
	switch in.Status {
	case StatusActive, StatusDisabled:
		c.Disabled = in.Status == StatusDisabled
	case StatusExpired:
		v.Add("status", "expired is system-managed: set valid_until instead")
	default:
		v.Add("status", "must be active or disabled")
	}
	if err := v.Err(); err != nil {
		return Coupon{}, err
	}
	return c, nil
}

// Patch is what an admin may change of a coupon: status, max_redemptions, valid_until and
// description; nil leaves a field as it is. Code, discount type and value never change.
type Patch struct {
	Status         *string
	MaxRedemptions *int
	ValidUntil     *time.Time
	Description    *string
}

// apply answers c with the patch applied, or what it refuses. Fields are named as the API names
// them. Lowering max_redemptions below the redemptions so far is refused.
func (p Patch) apply(c Coupon) (Coupon, error) {
	var v ports.Validation
	if s := p.Status; s != nil && v.Check(*s == StatusActive || *s == StatusDisabled, "status", "must be active or disabled") {
		c.Disabled = *s == StatusDisabled
	}
	if m := p.MaxRedemptions; m != nil && v.Check(*m >= 1, "max_redemptions", "must be at least 1") &&
		v.Check(*m >= c.RedemptionCount, "max_redemptions", "must be at least the redemptions so far") {
		n := *m
		c.MaxRedemptions = &n
	}
	if u := p.ValidUntil; u != nil {
		until := u.UTC().Truncate(time.Microsecond)
		if v.Check(until.After(c.ValidFrom), "valid_until", "must be after valid_from") {
			c.ValidUntil = &until
		}
	}
	if d := p.Description; d != nil && v.Check(utf8.RuneCountInString(*d) <= MaxDescriptionLength, "description",
		"must be at most 500 characters") {
		c.Description = *d
	}
	return c, v.Err()
}

// changed names, as the API does, the fields an admin may change whose values differ.
func changed(a, b Coupon) []string {
	var out []string
	add := func(differ bool, field string) {
		if differ {
			out = append(out, field)
		}
	}
	add(a.Disabled != b.Disabled, "status")
	add((a.MaxRedemptions == nil) != (b.MaxRedemptions == nil) ||
		(a.MaxRedemptions != nil && *a.MaxRedemptions != *b.MaxRedemptions), "max_redemptions")
	add((a.ValidUntil == nil) != (b.ValidUntil == nil) || (a.ValidUntil != nil && !a.ValidUntil.Equal(*b.ValidUntil)), "valid_until")
	add(a.Description != b.Description, "description")
	return out
}
