// Package tenant is the bounded context of white-label clients (tenants): who they are, how their
// apps look (branding), what they may use (features), which adapters serve them, how fast their
// callers may go, and the API keys their apps present.
package tenant

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/ports"
)

// Status is the life-cycle state of a tenant.
type Status string

// The statuses. A suspended tenant's credentials are refused on every surface.
const (
	StatusActive    Status = "active"
	StatusSuspended Status = "suspended"
)

// Branding is how the tenant's apps and hosted pages look.
type Branding struct {
	DisplayName    string
	PrimaryColor   string
	SecondaryColor string
	LogoURL        string
}

// RateLimit is a tenant's own request budget per credential (API key or token subject); zero
// fields fall back to the platform default.
type RateLimit struct {
	RequestsPerMinute int
	Burst             int
}

// Tenant is one white-label client.
type Tenant struct {
	ID        string
	Slug      string
	Name      string
	Status    Status
	Branding  Branding
	Features  map[string]bool
	Adapters  map[string]string
	RateLimit RateLimit
	Billing   Billing
	// Version increases with every change; surfaces expose it as an ETag.
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Billing is how the client bills its subscribers.
type Billing struct {
	// TaxRate is added to every invoice, in basis points of the amount after discounts (1900 is
	// 19 percent); 0: prices carry no tax.
	TaxRate int
	// UpgradeEffective and DowngradeEffective say when a change of plan takes effect:
	// "immediate" (prorated now) or "period_end" (at the next renewal); empty: the platform's
	// default, upgrades immediate and downgrades at the period's end.
	UpgradeEffective   string
	DowngradeEffective string
}

// The effects a change of plan may have, as Billing names them.
const (
	EffectiveImmediate = "immediate"
	EffectivePeriodEnd = "period_end"
)

func validateBilling(v *ports.Validation, b Billing) {
	v.Check(b.TaxRate >= 0 && b.TaxRate <= 10000, "billing.tax_rate_bps", "must be between 0 and 10000 basis points (0 to 100 percent)")
	for field, e := range map[string]string{"billing.upgrade_effective": b.UpgradeEffective, "billing.downgrade_effective": b.DowngradeEffective} {
		v.Check(e == "" || e == EffectiveImmediate || e == EffectivePeriodEnd, field, "must be immediate or period_end")
	}
}

// Active reports whether the tenant may be used.
func (t Tenant) Active() bool { return t.Status == StatusActive }

// Limits on tenant fields, stated once for validation and for the API documentation.
const (
	MaxNameLength       = 100
	MaxSlugLength       = 63
	MaxFeatures         = 64
	MaxRequestsPerMin   = 100000
	MaxBurst            = 10000
	maxURLLength        = 2048
	maxFeatureKeyLength = 64
)

// The patterns of a slug and of a colour. The HTTP schemas mirror them (pattern); a test in app
// checks every schema against ValidSlug and ValidColor.
const (
	SlugPattern  = `^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`
	ColorPattern = `^#[0-9a-fA-F]{6}$`
)

var (
	slugPattern    = regexp.MustCompile(SlugPattern)
	colorPattern   = regexp.MustCompile(ColorPattern)
	featurePattern = regexp.MustCompile(`^[a-z][a-z0-9_.-]*$`)
)

// ValidSlug reports whether s can be a client's slug: 1-63 lower-case letters, digits or '-',
// not starting or ending with '-'.
func ValidSlug(s string) bool { return slugPattern.MatchString(s) }

// ValidColor reports whether s is a colour like #1a2b3c.
func ValidColor(s string) bool { return colorPattern.MatchString(s) }

// AdapterCatalog tells which adapters exist for each port a tenant can choose ("payments" →
// "sandbox", "stripe"). The tenant registry implements it.
type AdapterCatalog interface {
	Choices(port string) []string
	Ports() []string
	// Unavailable answers why this server cannot run an adapter it lists (a setting it needs is
	// not set), or "" when it can.
	Unavailable(port, name string) string
}

func validateName(v *ports.Validation, field, name string) {
	n := utf8.RuneCountInString(strings.TrimSpace(name))
	v.Check(n > 0, field, "must not be empty")
	v.Check(n <= MaxNameLength, field, "must be at most 100 characters")
}

func validateBranding(v *ports.Validation, b Branding) {
	v.Check(utf8.RuneCountInString(b.DisplayName) <= MaxNameLength, "branding.display_name", "must be at most 100 characters")
	v.Check(b.PrimaryColor == "" || ValidColor(b.PrimaryColor), "branding.primary_color", "must be a colour like #1a2b3c")
	v.Check(b.SecondaryColor == "" || ValidColor(b.SecondaryColor), "branding.secondary_color", "must be a colour like #1a2b3c")
	v.Check(b.LogoURL == "" || validHTTPSURL(b.LogoURL), "branding.logo_url", "must be an https URL of at most 2048 characters")
}

func validHTTPSURL(s string) bool {
	return len(s) <= maxURLLength && strings.HasPrefix(s, "https://") && len(s) > len("https://") && !strings.ContainsAny(s, " \t\n")
}

func validateFeatures(v *ports.Validation, f map[string]bool) {
	v.Check(len(f) <= MaxFeatures, "features", "must have at most 64 entries")
	for k := range f {
		v.Check(len(k) <= maxFeatureKeyLength && featurePattern.MatchString(k), "features."+k,
			"must be a lower-case name of letters, digits, '_', '.', '-' (at most 64)")
	}
}

func validateAdapters(v *ports.Validation, a map[string]string, catalog AdapterCatalog) {
	for port, name := range a {
		choices := catalog.Choices(port)
		if choices == nil {
			v.Add("adapters."+port, "is not a port a tenant can choose; ports: "+strings.Join(catalog.Ports(), ", "))
			continue
		}
		ok := false
		for _, c := range choices {
			ok = ok || c == name
		}
		if !v.Check(ok, "adapters."+port, "must be one of: "+strings.Join(choices, ", ")) {
			continue
		}
		if why := catalog.Unavailable(port, name); why != "" {
			v.Add("adapters."+port, name+" is not available on this server: "+why)
		}
	}
}

func validateRateLimit(v *ports.Validation, r RateLimit) {
	v.Check(r.RequestsPerMinute >= 0 && r.RequestsPerMinute <= MaxRequestsPerMin, "rate_limit.requests_per_minute", "must be between 0 and 100000")
	v.Check(r.Burst >= 0 && r.Burst <= MaxBurst, "rate_limit.burst", "must be between 0 and 10000")
}
