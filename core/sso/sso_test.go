package sso

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/organization"
	"github.com/stvos/stvos/ports"
)

func TestLoginTokens(t *testing.T) {
	t.Parallel()
	tk := Ticket{ID: ports.NewID(), TenantID: ports.NewID()}
	token, hash := newLoginToken(tk)
	tenantID, id, secret, ok := parseLoginToken(token)
	require.True(t, ok)
	require.Equal(t, tk.TenantID, tenantID)
	require.Equal(t, tk.ID, id)
	tk.SecretHash = hash
	require.True(t, tk.matches(secret))
	require.False(t, tk.matches(secret[1:]+"A"))
	require.NotContains(t, string(hash), secret)
	for _, bad := range []string{"", "a.b.c", tenantID + "." + id, tenantID + "." + id + ".short", "x." + id + "." + secret,
		strings.Replace(token, ".", "", 1)} {
		_, _, _, ok := parseLoginToken(bad)
		require.False(t, ok, bad)
	}
}

func TestPersonRules(t *testing.T) {
	t.Parallel()
	p := Person{Email: " Ann@Cafe.TEST ", FullName: " Ann ", PhoneNumber: "+1 (415) 555-0123"}
	var v ports.Validation
	p.validate(&v)
	require.NoError(t, v.Err())
	require.Equal(t, "ann@cafe.test", p.Email)
	require.Equal(t, organization.RoleTeamMember, p.Role, "the role defaults to team_member")

	bad := Person{Email: "nope", FullName: "", PhoneNumber: "call me", Role: "boss", ProviderOrgID: strings.Repeat("x", 201)}
	v = ports.Validation{}
	bad.validate(&v)
	var fields []string
	for _, f := range ports.AsError(v.Err()).Fields {
		fields = append(fields, f.Field)
	}
	require.Equal(t, []string{"email", "full_name", "phone_number", "role", "provider_org_id"}, fields)
}
