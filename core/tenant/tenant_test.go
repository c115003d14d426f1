package tenant

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

func TestAPIKeySecrets(t *testing.T) {
	t.Parallel()
	prefix, secret, hash := NewAPIKeySecret()
	require.True(t, strings.HasPrefix(secret, prefix+"_"))
	got, ok := PrefixOf(secret)
	require.True(t, ok)
	require.Equal(t, prefix, got)
	k := APIKey{Prefix: prefix, Hash: hash}
	require.True(t, k.Matches(secret))
	require.False(t, k.Matches(secret+"x"))
	require.NotContains(t, string(hash), secret)
	for _, bad := range []string{"", "stv_", "stv_short_x", "sk_aaaaaaaa_b", "stv_aaaaaaaa", "nounderscore"} {
		_, ok := PrefixOf(bad)
		require.False(t, ok, bad)
	}
	_, other, _ := NewAPIKeySecret()
	require.NotEqual(t, secret, other)
}

func TestTenantValidation(t *testing.T) {
	t.Parallel()
	cat := fakeCatalog{"payments": {"sandbox", "stripe"}, "mail": {"smtp", "outbox"}}
	cases := []struct {
		name   string
		in     NewTenant
		fields []string
	}{
		{"valid", NewTenant{Name: "Acme", Slug: "acme-1", Branding: Branding{PrimaryColor: "#aabbcc", LogoURL: "https://x.test/l.png"}}, nil},
		{"empty name and bad slug", NewTenant{Name: " ", Slug: "-bad-"}, []string{"name", "slug"}},
		{"branding", NewTenant{Name: "A", Slug: "a", Branding: Branding{PrimaryColor: "red", LogoURL: "http://insecure.test"}},
			[]string{"branding.primary_color", "branding.logo_url"}},
		{"features", NewTenant{Name: "A", Slug: "a", Features: map[string]bool{"Bad Key": true}}, []string{"features.Bad Key"}},
		{"adapters", NewTenant{Name: "A", Slug: "a", Adapters: map[string]string{"payments": "paypal", "mail": "x", "fax": "y"}},
			[]string{"adapters.payments", "adapters.mail", "adapters.fax"}},
		{"an adapter listed but not configured", NewTenant{Name: "A", Slug: "a", Adapters: map[string]string{"payments": "stripe"}},
			[]string{"adapters.payments"}},
		{"adapters available", NewTenant{Name: "A", Slug: "a", Adapters: map[string]string{"payments": "sandbox", "mail": "outbox"}}, nil},
		{"rate limit", NewTenant{Name: "A", Slug: "a", RateLimit: RateLimit{RequestsPerMinute: -1, Burst: 10001}},
			[]string{"rate_limit.requests_per_minute", "rate_limit.burst"}},
		{"strings", NewTenant{Name: "A", Slug: "a", Strings: map[string]string{"about": "x", "st_ok": strings.Repeat("x", MaxStringLength+1)}},
			[]string{"strings.about", "strings.st_ok"}},
	}
	svc := NewService(unreachedStore{}, nil, nil, nil, cat, ports.SystemClock{}, nil, nil, nil)
	for _, c := range cases {
		_, err := svc.Create(context.Background(), c.in)
		if c.fields == nil {
			require.ErrorIs(t, err, errStoreReached, "%s: valid input reaches the store", c.name)
			continue
		}
		require.ErrorIs(t, err, ports.ErrInvalid, c.name)
		var got []string
		for _, f := range ports.AsError(err).Fields {
			got = append(got, f.Field)
			require.NotEmpty(t, f.Reason, "%s: %s has a reason", c.name, f.Field)
		}
		require.ElementsMatch(t, c.fields, got, c.name)
	}
}

// errStoreReached is what the unit of work of TestTenantValidation answers: Create got past its
// validation. The test needs no storage, only to know whether Create refused the input first.
var errStoreReached = errors.New("store reached")

type unreachedStore struct{}

func (unreachedStore) Do(context.Context, ports.Scope, func(context.Context) error) error {
	return errStoreReached
}

func (unreachedStore) Read(context.Context, ports.Scope, func(context.Context) error) error {
	return errStoreReached
}

type fakeCatalog map[string][]string

func (f fakeCatalog) Choices(p string) []string { return f[p] }

// Unavailable: stripe needs a setting this fake server lacks.
func (f fakeCatalog) Unavailable(port, name string) string {
	if port == "payments" && name == "stripe" {
		return "needs STVOS_STRIPE_SECRET_KEY"
	}
	return ""
}
func (f fakeCatalog) Ports() []string {
	var out []string
	for p := range f {
		out = append(out, p)
	}
	return out
}
