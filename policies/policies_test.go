package policies

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPolicyTruthTable states, role by role, what each may and may not do.
func TestPolicyTruthTable(t *testing.T) {
	t.Parallel()
	e, err := New()
	require.NoError(t, err)
	const tenantA = "01a200dc-62b2-7f53-bfa1-c41eea3ba606"
	cases := []struct {
		role, dom, obj, act string
		want                bool
	}{
		{"superadmin", "platform", "platform:tenants", "write", true},
		{"superadmin", tenantA, "platform:api_keys", "write", true},
		{"superadmin", tenantA, "partner:vouchers", "read", true},

		{"admin", tenantA, "platform:tenants", "read", false},
		{"admin", tenantA, "admin:users", "write", true},
		{"admin", tenantA, "self:account", "write", true},
		{"admin", tenantA, "app:strings", "read", true},
		{"admin", tenantA, "admin:plans", "write", true},
		{"admin", tenantA, "app:plans", "read", true},
		{"admin", tenantA, "self:payment-methods", "write", true},
		{"admin", tenantA, "admin:coupons", "write", true},
		{"admin", tenantA, "admin:coupons", "read", true},
		{"admin", tenantA, "self:coupons", "read", true},
		{"admin", tenantA, "admin:gift-cards", "write", true},
		{"admin", tenantA, "self:gift-cards", "write", true},

		{"subscriber", tenantA, "self:account", "write", true},
		{"subscriber", tenantA, "app:classes", "read", true},
		{"subscriber", tenantA, "admin:users", "read", false},
		{"subscriber", tenantA, "app:plans", "read", true},
		{"subscriber", tenantA, "admin:plans", "read", false},
		{"subscriber", tenantA, "admin:plans", "write", false},
		{"subscriber", tenantA, "self:payment-methods", "read", true},
		{"subscriber", tenantA, "self:payment-methods", "write", true},
		{"subscriber", tenantA, "self:coupons", "read", true},
		{"subscriber", tenantA, "admin:coupons", "read", false},
		{"subscriber", tenantA, "admin:coupons", "write", false},
		{"subscriber", tenantA, "self:gift-cards", "read", true},
		{"subscriber", tenantA, "self:gift-cards", "write", true},
		{"subscriber", tenantA, "admin:gift-cards", "write", false},
		{"subscriber", tenantA, "platform:tenants", "read", false},
		{"subscriber", tenantA, "partner:members", "read", false},

		{"client", tenantA, "app:strings", "read", true},
		{"client", tenantA, "app:strings", "write", false},
		{"client", tenantA, "admin:plans", "read", false},
		{"client", tenantA, "auth:login", "call", true},
		{"client", tenantA, "self:account", "read", false},
		{"client", tenantA, "self:payment-methods", "read", false},
		{"client", tenantA, "self:payment-methods", "write", false},
		{"client", tenantA, "self:coupons", "read", false},
		{"client", tenantA, "admin:coupons", "read", false},
		{"client", tenantA, "self:gift-cards", "read", false},
		{"client", tenantA, "self:gift-cards", "write", false},
		{"client", tenantA, "admin:gift-cards", "write", false},
		{"client", "platform", "platform:tenants", "read", false},

		{"partner_viewer", tenantA, "partner:members", "read", true},
		{"partner_viewer", tenantA, "partner:vouchers", "write", false},
		{"partner_admin", tenantA, "partner:vouchers", "write", true},
		{"partner_admin", tenantA, "partner:members", "read", true},
		{"partner_admin", tenantA, "partner:staff", "write", false},
		{"partner_owner", tenantA, "partner:staff", "write", true},
		{"partner_owner", tenantA, "partner:vouchers", "write", true},
		{"partner_owner", tenantA, "admin:users", "read", false},
		{"partner_owner", tenantA, "admin:plans", "write", false},
		{"partner_owner", tenantA, "admin:coupons", "write", false},
		{"partner_owner", tenantA, "admin:gift-cards", "write", false},
		{"partner_owner", tenantA, "self:gift-cards", "write", false},
		{"partner_owner", tenantA, "self:payment-methods", "read", false},
		{"partner_owner", "platform", "platform:partners", "write", false},

		{"enterprise", tenantA, "enterprise:user", "write", true},
		{"enterprise", tenantA, "enterprise:onboarding", "write", true},
		{"enterprise", tenantA, "enterprise:flags", "write", true},
		{"enterprise", tenantA, "enterprise:organizations", "write", true},
		{"enterprise", tenantA, "enterprise:partner-tokens", "write", true},
		{"enterprise", tenantA, "partner:vouchers", "read", false},
		{"enterprise", tenantA, "partner:members", "read", false},
		{"enterprise", tenantA, "self:account", "read", false},
		{"enterprise", tenantA, "admin:users", "read", false},
		{"enterprise", tenantA, "app:strings", "read", false},
		{"enterprise", tenantA, "auth:login", "call", false},
		{"enterprise", "platform", "platform:tenants", "read", false},
		{"partner_owner", tenantA, "enterprise:organizations", "write", true},
		{"partner_owner", tenantA, "enterprise:partner-tokens", "write", true},
		{"partner_admin", tenantA, "enterprise:partner-tokens", "read", true},
		{"partner_admin", tenantA, "enterprise:organizations", "write", true},
		{"partner_viewer", tenantA, "enterprise:organizations", "write", false},
		{"partner_viewer", tenantA, "enterprise:partner-tokens", "write", false},
		{"partner_viewer", tenantA, "enterprise:partner-tokens", "read", false},
		{"partner_admin", tenantA, "enterprise:flags", "write", false},
		{"partner_owner", tenantA, "enterprise:sso", "write", false},
		{"client", tenantA, "auth:sso", "call", true},
		{"client", tenantA, "enterprise:organizations", "write", false},
		{"subscriber", tenantA, "enterprise:user", "write", false},

		{"nobody", tenantA, "app:strings", "read", false},
		{"", tenantA, "app:strings", "read", false},
	}
	for _, c := range cases {
		got, err := e.Allowed([]string{c.role}, c.dom, c.obj, c.act)
		require.NoError(t, err)
		require.Equal(t, c.want, got, "%s in %s: %s %s", c.role, c.dom, c.act, c.obj)
	}
	got, err := e.Allowed([]string{"client", "partner_viewer"}, tenantA, "partner:members", "read")
	require.NoError(t, err)
	require.True(t, got, "any role of the caller may grant")
}
