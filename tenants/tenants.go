// Package tenants resolves which tenant a request belongs to (from an API key or from a token's
// claims), and holds the per-tenant configuration the platform derives from a tenant record: the
// adapters a tenant may choose and the rate limits its callers get.
package tenants

import (
	"sort"
	"time"

	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/ports"
)

// Catalog lists the adapters a tenant can choose for each port. It implements
// tenant.AdapterCatalog. Adapters that do not exist yet are not listed: a tenant cannot choose
// what the platform cannot run. An adapter that exists but needs a setting this server lacks is
// listed and marked unavailable, so choosing it is refused with the reason.
type Catalog struct {
	choices     map[string][]string
	unavailable map[[2]string]string
}

var _ tenant.AdapterCatalog = Catalog{}

// NewCatalog returns a catalog of the given choices per port.
func NewCatalog(choices map[string][]string) Catalog { return Catalog{choices: choices} }

// The ports whose adapter the request's registry picks per client, and their defaults.
const (
	// PortPayments is the payment gateway (ports.Payments).
	PortPayments = "payments"
	// DefaultPayments is the gateway of a client that chose none: the built-in sandbox, which
	// never moves money.
	DefaultPayments = "sandbox"
	// PortEmail is the email sender (ports.Email).
	PortEmail = "email"
	// DefaultEmail is the sender of a client that chose none: the outbox, which keeps messages
	// in the database and sends nothing.
	DefaultEmail = "outbox"
	// PortFlags is the feature flag store (flag.Store).
	PortFlags = "flags"
	// DefaultFlags is the flag store of a client that chose none.
	DefaultFlags = "postgres"
)

// DefaultCatalog is the platform's adapters today, by port.
func DefaultCatalog() Catalog {
	return NewCatalog(map[string][]string{
		PortEmail:        {"outbox", "smtp"},
		"exports":        {"csv"},
		PortFlags:        {"postgres"},
		PortIntegrations: {"sandbox", "oauth2"},
		PortPayments:     {"sandbox", "stripe"},
		"rate_limits":    {"redis"},
		"storage":        {"postgres"},
		"stream_slots":   {"redis"},
	})
}

// WithUnavailable returns the catalog with an adapter marked as not runnable on this server,
// for the reason given (the setting it needs).
func (c Catalog) WithUnavailable(port, name, reason string) Catalog {
	u := make(map[[2]string]string, len(c.unavailable)+1)
	for k, v := range c.unavailable {
		u[k] = v
	}
	u[[2]string{port, name}] = reason
	return Catalog{choices: c.choices, unavailable: u}
}

// Choices returns the adapter names for a port, or nil for an unknown port.
func (c Catalog) Choices(port string) []string { return c.choices[port] }

// Unavailable answers why this server cannot run the adapter, or "" when it can.
func (c Catalog) Unavailable(port, name string) string { return c.unavailable[[2]string{port, name}] }

// Ports lists the ports in name order.
func (c Catalog) Ports() []string {
	out := make([]string, 0, len(c.choices))
	for p := range c.choices {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Limits are the platform's default rate limits.
type Limits struct {
	// PerAddress applies to every request from one source address, before authentication.
	PerAddress ports.Limit
	// Registration applies per address to sign-up routes: generous, so a class registering at
	// once on one Wi-Fi fits, yet bounding mass account creation.
	Registration ports.Limit
	// PerCredential applies per API key and per token subject unless the tenant sets its own.
	PerCredential ports.Limit
}

// DefaultLimits are generous for apps; guessing is bounded by failure counts (core/throttle).
func DefaultLimits() Limits {
	return Limits{
		PerAddress:    ports.Limit{Rate: 1200, Burst: 200, Period: time.Minute},
		Registration:  ports.Limit{Rate: 120, Burst: 40, Period: time.Hour},
		PerCredential: ports.Limit{Rate: 600, Burst: 100, Period: time.Minute},
	}
}

// CredentialLimit is the limit for a credential of the tenant: the tenant's own when set.
func (l Limits) CredentialLimit(t tenant.Tenant) ports.Limit {
	out := l.PerCredential
	if t.RateLimit.RequestsPerMinute > 0 {
		out = ports.Limit{Rate: t.RateLimit.RequestsPerMinute, Burst: t.RateLimit.RequestsPerMinute, Period: time.Minute}
	}
	if t.RateLimit.Burst > 0 {
		out.Burst = t.RateLimit.Burst
	}
	return out
}
