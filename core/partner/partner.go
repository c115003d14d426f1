// Package partner is the bounded context of partners (gyms, corporates, resellers) that hand out
// access to a tenant, and of their staff who use the partner portal.
package partner

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/ports"
)

// Status is the life-cycle state of a partner.
type Status string

// The partner statuses.
const (
	StatusActive    Status = "active"
	StatusSuspended Status = "suspended"
)

// Partner is an organisation distributing access to one tenant.
type Partner struct {
	ID        string
	TenantID  string
	Name      string
	Status    Status
	CreatedAt time.Time
}

// Role is a partner staff member's role in the portal.
type Role string

// The staff roles, most powerful first. They are the casbin roles partner_owner, partner_admin
// and partner_viewer.
const (
	RoleOwner  Role = "owner"
	RoleAdmin  Role = "admin"
	RoleViewer Role = "viewer"
)

// Roles lists the staff roles.
var Roles = []Role{RoleOwner, RoleAdmin, RoleViewer}

// PolicyRole is the role's name in the authorization policy.
func (r Role) PolicyRole() string { return "partner_" + string(r) }

// Staff is a person who signs in to the partner portal for one partner.
type Staff struct {
	ID           string
	TenantID     string
	PartnerID    string
	Email        string
	Name         string
	Role         Role
	PasswordHash string
	CreatedAt    time.Time
}

// DirectoryStaffEmail is the directory kind that finds a staff member's tenant by email, so staff
// sign in to the portal with email and password alone. Staff emails are therefore unique across
// the platform.
const DirectoryStaffEmail = "staff_email"

// Limits on partner fields.
const (
	MaxNameLength = 100
)

func validateName(v *ports.Validation, field, name string) {
	n := utf8.RuneCountInString(strings.TrimSpace(name))
	v.Check(n > 0 && n <= MaxNameLength, field, "must be 1 to 100 characters")
}
