package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stvos/stvos/ports"
)

// conflictCodes names the domain code of each unique constraint a caller can collide with.
var conflictCodes = map[string]*ports.Error{
	"tenants_slug_key":        ports.Conflict("SLUG_TAKEN", "Another client already uses this slug."),
	"partner_staff_email":     ports.Conflict("EMAIL_TAKEN", "A staff account with this email already exists in this client."),
	"operators_email_key":     ports.Conflict("EMAIL_TAKEN", "An operator with this email already exists."),
	"users_email":             ports.Conflict("EMAIL_TAKEN", "An account with this email already exists."),
	"oauth_device_codes_pkey": ports.Conflict("USER_CODE_TAKEN", "The user code is in use; ask for another."),
	"directory_pkey":          ports.Conflict("ALREADY_REGISTERED", "The identifier is already registered."),
	"categories_name":         ports.Conflict("CATEGORY_EXISTS", "A category of this client already has that name."),
	"partner_members_pkey":    ports.Conflict("ALREADY_MEMBER", "The user is already a member of a partner."),
	"coupons_code":            ports.Conflict("COUPON_CODE_TAKEN", "Another coupon of this client already has this code."),
	"subscriptions_live": ports.Conflict("SUBSCRIPTION_EXISTS",
		"This account already has a subscription that has not ended; change its plan or cancel it instead."),
	"profiles_primary": ports.Conflict("PRIMARY_PROFILE_EXISTS", "The account already has a primary profile."),
	"organizations_provider": ports.Conflict("ORGANIZATION_EXISTS",
		"An organization of this partner already has this provider_id."),
	"flags_pkey":         ports.Conflict("FLAG_EXISTS", "A flag of this client already has this key."),
	"flag_segments_pkey": ports.Conflict("SEGMENT_EXISTS", "A segment of this client already has this key."),
}

// translate turns a pgx error into the port's error kinds, once, at the edge of the adapter.
// what names the thing looked for, for not-found answers.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return ports.NotFound(what)
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505": // unique_violation
			if e, ok := conflictCodes[pg.ConstraintName]; ok {
				c := *e
				c.Cause = err
				return &c
			}
			return &ports.Error{Kind: ports.ErrConflict, Code: "CONFLICT", Message: "The change conflicts with existing data.", Cause: err}
		case "23503": // foreign_key_violation: the referenced row is not there (or not visible)
			return &ports.Error{Kind: ports.ErrNotFound, Code: "REFERENCE_NOT_FOUND", Message: "A referenced " + what + " does not exist.", Cause: err}
		case "42501": // insufficient_privilege, including row-level security refusals
			return &ports.Error{Kind: ports.ErrForbidden, Code: "FORBIDDEN", Message: "The change is outside the caller's scope.", Cause: err}
		case "40001", "40P01":
			return &ports.Error{Kind: ports.ErrConflict, Code: "RETRY", Message: "Concurrent change; retry the request.", Cause: err}
		}
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}
