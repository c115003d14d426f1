// Package organization is an enterprise partner's organizations (its own customers, such as a
// restaurant group) and the people of each: users of the partner's client, found by email or
// created without a password, with a role in the organization. Onboarding adds locations.
package organization

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/ports"
)

// Organization is one of a partner's organizations.
type Organization struct {
	ID        string
	TenantID  string
	PartnerID string
	Name      string
	// ProviderID is the partner's own id of the organization, unique within the partner.
	ProviderID string
	CreatedAt  time.Time
}

// Role is a person's role in an organization.
type Role string

// The roles, as the enterprise specification lists them.
const (
	RoleOwner      Role = "owner"
	RoleAdmin      Role = "admin"
	RoleManager    Role = "manager"
	RoleTeamMember Role = "team_member"
	RoleCustom     Role = "custom"
)

// Roles lists the roles.
var Roles = []Role{RoleOwner, RoleAdmin, RoleManager, RoleTeamMember, RoleCustom}

// ValidRole reports whether r is a role.
func ValidRole(r Role) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Member is a user's place in an organization.
type Member struct {
	TenantID  string
	OrgID     string
	UserID    string
	Role      Role
	CreatedAt time.Time
}

// Limits of organization fields; the HTTP schemas mirror them.
const (
	MaxNameLength       = 200
	MaxProviderIDLength = 200
	MaxPersonName       = 100
)

// New is an organization to create, with its first person (its owner).
type New struct {
	Name       string
	ProviderID string
	User       Person
}

// Person names a person by email; the names are used only when the user is created.
type Person struct {
	Email     string
	FirstName string
	LastName  string
}

// FullName joins the person's names.
func (p Person) FullName() string {
	return strings.TrimSpace(strings.TrimSpace(p.FirstName) + " " + strings.TrimSpace(p.LastName))
}

func (n New) validate(v *ports.Validation) {
	name := utf8.RuneCountInString(strings.TrimSpace(n.Name))
	v.Check(name >= 1 && name <= MaxNameLength, "name", "must be 1 to 200 characters")
	pid := utf8.RuneCountInString(strings.TrimSpace(n.ProviderID))
	v.Check(pid >= 1 && pid <= MaxProviderIDLength, "provider_id", "must be 1 to 200 characters")
	first := utf8.RuneCountInString(strings.TrimSpace(n.User.FirstName))
	v.Check(first >= 1 && first <= MaxPersonName, "user.first_name", "must be 1 to 100 characters")
	v.Check(utf8.RuneCountInString(strings.TrimSpace(n.User.LastName)) <= MaxPersonName, "user.last_name", "must be at most 100 characters")
}
