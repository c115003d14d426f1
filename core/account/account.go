// Package account is a tenant's users as they see themselves: signing up (with a voucher, through
// the enrollment seam), signing in, their profile, password and avatar. Administration of users
// is core/useradmin; the sessions they sign in to are core/session.
package account

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// UserStatus is a user's life-cycle state.
type UserStatus string

// The user statuses. A suspended user cannot sign in and every session is revoked.
const (
	UserActive    UserStatus = "active"
	UserSuspended UserStatus = "suspended"
)

// User is a person of one tenant: a subscriber, and possibly one of its admins.
type User struct {
	ID                      string
	TenantID                string
	Email                   string
	PasswordHash            string
	DisplayName             string
	Phone                   string
	PhoneVerified           bool
	EmailVerified           bool
	AvatarURL               string
	Locale                  string
	Timezone                string
	CountryCode             string
	PreferredLanguage       string
	Status                  UserStatus
	SuspensionReason        string
	Roles                   []string
	MFAEnabled              bool
	NotificationPreferences map[string]bool
	TermsAcceptedAt         *time.Time
	LastLoginAt             *time.Time
	CreatedAt               time.Time
	UpdatedAt               time.Time
	Version                 int
}

// HasRole reports whether the user holds the role.
func (u User) HasRole(r string) bool {
	for _, x := range u.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Roles a tenant user may hold.
var roles = map[string]bool{session.RoleSubscriber: true, "partner": true, session.RoleAdmin: true, session.RoleSuperadmin: true}

// ValidRole reports whether a tenant user may hold the role.
func ValidRole(r string) bool { return roles[r] }

// Principal is who the user's sessions are for.
func (u User) Principal() session.Principal {
	return session.Principal{Kind: session.KindUser, SubjectID: u.ID, TenantID: u.TenantID, Roles: append([]string(nil), u.Roles...)}
}

// Limits on user fields.
const (
	MaxDisplayName = 100
	MaxPhone       = 20
)

var (
	e164          = regexp.MustCompile(`^\+[1-9]\d{1,14}$`)
	countryCode   = regexp.MustCompile(`^[A-Z]{2}$`)
	localePattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
	prefKey       = regexp.MustCompile(`^[a-z][a-z0-9_]{0,40}$`)
)

// Profile is a change of the account fields a user may edit; nil fields stay as they are.
type Profile struct {
	DisplayName             *string
	Phone                   *string
	Locale                  *string
	Timezone                *string
	CountryCode             *string
	PreferredLanguage       *string
	NotificationPreferences map[string]bool
}

func (p Profile) validate(v *ports.Validation) {
	if p.DisplayName != nil {
		n := utf8.RuneCountInString(strings.TrimSpace(*p.DisplayName))
		v.Check(n >= 1 && n <= MaxDisplayName, "display_name", "must be 1 to 100 characters")
	}
	if p.Phone != nil {
		v.Check(*p.Phone == "" || e164.MatchString(*p.Phone), "phone", "must be an E.164 number such as +14155550123")
	}
	if p.Locale != nil {
		v.Check(localePattern.MatchString(*p.Locale), "locale", "must be a language tag such as en-US")
	}
	if p.Timezone != nil {
		_, err := time.LoadLocation(*p.Timezone)
		v.Check(*p.Timezone != "" && err == nil, "timezone", "must be an IANA time zone such as America/New_York")
	}
	if p.CountryCode != nil {
		v.Check(ValidCountryCode(*p.CountryCode), "country_code", "must be 2 letters (ISO 3166-1 alpha-2)")
	}
	if p.PreferredLanguage != nil {
		v.Check(localePattern.MatchString(*p.PreferredLanguage), "preferred_language", "must be a language code such as en")
	}
	v.Check(len(p.NotificationPreferences) <= 32, "notification_preferences", "must have at most 32 entries")
	for k := range p.NotificationPreferences {
		v.Check(prefKey.MatchString(k), "notification_preferences."+k, "must be a lower-case notification type")
	}
}

func (p Profile) apply(u *User) {
	if p.DisplayName != nil {
		u.DisplayName = strings.TrimSpace(*p.DisplayName)
	}
	if p.Phone != nil {
		if *p.Phone != u.Phone {
			u.PhoneVerified = false
		}
		u.Phone = *p.Phone
	}
	if p.Locale != nil {
		u.Locale = *p.Locale
	}
	if p.Timezone != nil {
		u.Timezone = *p.Timezone
	}
	if p.CountryCode != nil {
		u.CountryCode = strings.ToUpper(*p.CountryCode)
	}
	if p.PreferredLanguage != nil {
		u.PreferredLanguage = *p.PreferredLanguage
	}
	if u.NotificationPreferences == nil {
		u.NotificationPreferences = map[string]bool{}
	}
	for k, on := range p.NotificationPreferences {
		u.NotificationPreferences[k] = on
	}
}

// ValidCountryCode reports whether s (any case) is an ISO 3166-1 alpha-2 code.
func ValidCountryCode(s string) bool { return countryCode.MatchString(strings.ToUpper(s)) }

// ValidateNew records the refusals of a new user's email (normalized), password and name.
func ValidateNew(v *ports.Validation, email, password, name string) {
	credential.ValidateEmail(v, "email", email)
	credential.ValidatePassword(v, "password", password)
	n := utf8.RuneCountInString(strings.TrimSpace(name))
	v.Check(n >= 1 && n <= MaxDisplayName, "name", "must be 1 to 100 characters")
}
