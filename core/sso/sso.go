// Package sso is single sign-on vouched for by an enterprise partner: the partner (a partner
// token with the sso scope) asks for a login ticket for a person, and the person's app trades the
// ticket once, within minutes, with its client's API key, for a session of the client's identity
// service. The person is the client's user with that email, created without a password when
// there is none; when the partner has an organization with the ticket's provider_org_id, the user
// joins it with the ticket's role.
package sso

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/organization"
	"github.com/stvos/stvos/ports"
)

// TicketTTL is how long a login ticket may be traded.
const TicketTTL = 5 * time.Minute

// Ticket is a login ticket as kept: the secret only as a hash.
type Ticket struct {
	ID        string
	TenantID  string
	PartnerID string
	// TokenID is the partner token that asked for it.
	TokenID         string
	SecretHash      []byte
	Email           string
	FullName        string
	PhoneNumber     string
	Role            organization.Role
	ProviderOrgID   string
	ProviderOrgName string
	CreatedAt       time.Time
	ExpiresAt       time.Time
	UsedAt          *time.Time
}

// Person is who a partner vouches for.
type Person struct {
	Email           string
	FullName        string
	PhoneNumber     string
	Role            organization.Role
	ProviderOrgID   string
	ProviderOrgName string
}

// Limits of a person's fields; the HTTP schemas mirror them.
const (
	MaxFullName    = 100
	MaxProviderOrg = 200
)

var phonePattern = regexp.MustCompile(`^\+?[0-9][0-9 ().-]{2,30}$`)

func (p *Person) validate(v *ports.Validation) {
	p.Email = credential.NormalizeEmail(p.Email)
	credential.ValidateEmail(v, "email", p.Email)
	p.FullName = strings.TrimSpace(p.FullName)
	n := utf8.RuneCountInString(p.FullName)
	v.Check(n >= 1 && n <= MaxFullName, "full_name", "must be 1 to 100 characters")
	p.PhoneNumber = strings.TrimSpace(p.PhoneNumber)
	v.Check(phonePattern.MatchString(p.PhoneNumber), "phone_number", "must be a phone number: digits, spaces, ( ) . - and a leading +, 3 to 31 characters")
	if p.Role == "" {
		p.Role = organization.RoleTeamMember
	}
	v.Check(organization.ValidRole(p.Role), "role", "must be owner, admin, manager, team_member or custom")
	p.ProviderOrgID, p.ProviderOrgName = strings.TrimSpace(p.ProviderOrgID), strings.TrimSpace(p.ProviderOrgName)
	v.Check(utf8.RuneCountInString(p.ProviderOrgID) <= MaxProviderOrg, "provider_org_id", "must be at most 200 characters")
	v.Check(utf8.RuneCountInString(p.ProviderOrgName) <= MaxProviderOrg, "provider_org_name", "must be at most 200 characters")
}

// A login token reads "<tenant id>.<ticket id>.<secret>", so the ticket is found in its client
// without a directory look-up; only the secret's hash is kept.
func newLoginToken(t Ticket) (string, []byte) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("sso: no randomness: " + err.Error())
	}
	secret := base64.RawURLEncoding.EncodeToString(b[:])
	return t.TenantID + "." + t.ID + "." + secret, hashSecret(secret)
}

func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// parseLoginToken returns the tenant, ticket id and secret of a login token.
func parseLoginToken(token string) (tenantID, id, secret string, ok bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || !ports.IsID(parts[0]) || !ports.IsID(parts[1]) || len(parts[2]) != 43 {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

func (t Ticket) matches(secret string) bool {
	return len(t.SecretHash) > 0 && subtle.ConstantTimeCompare(t.SecretHash, hashSecret(secret)) == 1
}
