package identity

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

func TestRefreshTokens(t *testing.T) {
	t.Parallel()
	tenantSess := Session{ID: ports.NewID(), TenantID: ports.NewID()}
	tok, hash := newRefreshToken(tenantSess)
	scope, id, secret, ok := parseRefreshToken(tok)
	require.True(t, ok)
	require.Equal(t, ports.TenantScope(tenantSess.TenantID), scope)
	require.Equal(t, tenantSess.ID, id)
	require.True(t, sameHash(hashSecret(secret), hash))
	require.NotContains(t, string(hash), secret)

	opTok, _ := newRefreshToken(Session{ID: ports.NewID()})
	scope, _, _, ok = parseRefreshToken(opTok)
	require.True(t, ok)
	require.True(t, scope.Platform)

	for _, bad := range []string{"", "a.b.c", "platform." + id + ".short", strings.Replace(tok, ".", "", 1), "x." + id + "." + secret} {
		_, _, _, ok := parseRefreshToken(bad)
		require.False(t, ok, bad)
	}
	require.False(t, sameHash(nil, nil), "an empty hash never matches")
}

func TestRedirectURIs(t *testing.T) {
	t.Parallel()
	for uri, want := range map[string]bool{
		"https://app.example.com/cb":      true,
		"http://127.0.0.1:8765/cb":        true,
		"http://localhost/cb":             true,
		"com.example.app:/oauth2redirect": true,
		"http://app.example.com/cb":       false,
		"https://app.example.com/cb#x":    false,
		"javascript:alert(1)":             false,
		"/relative":                       false,
		"https://":                        false,
	} {
		require.Equal(t, want, validRedirect(uri), uri)
	}
}

func TestImageType(t *testing.T) {
	t.Parallel()
	ct, ext, ok := imageType([]byte{0xFF, 0xD8, 0xFF, 0xE0, 1, 2})
	require.True(t, ok)
	require.Equal(t, "image/jpeg", ct)
	require.Equal(t, "jpg", ext)
	_, ext, ok = imageType(append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, 0))
	require.True(t, ok)
	require.Equal(t, "png", ext)
	for _, bad := range [][]byte{nil, []byte("GIF89a"), []byte("<svg>"), {0xFF, 0xD8}} {
		_, _, ok := imageType(bad)
		require.False(t, ok)
	}
}

func TestProfileValidation(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	var v ports.Validation
	Profile{DisplayName: str("Ann"), Phone: str("+14155550123"), CountryCode: str("de"), Timezone: str("Europe/Berlin"),
		Locale: str("en-US"), PreferredLanguage: str("en"), NotificationPreferences: map[string]bool{"marketing": true}}.validate(&v)
	require.NoError(t, v.Err())
	v = ports.Validation{}
	Profile{DisplayName: str(strings.Repeat("a", 101)), Phone: str("0155 123"), CountryCode: str("DEU"), Timezone: str("Nowhere/Place"),
		Locale: str("english!"), NotificationPreferences: map[string]bool{"Bad Key": true}}.validate(&v)
	var got []string
	for _, f := range ports.AsError(v.Err()).Fields {
		got = append(got, f.Field)
	}
	require.ElementsMatch(t, []string{"display_name", "phone", "country_code", "timezone", "locale", "notification_preferences.Bad Key"}, got)
	u := User{Phone: "+1", PhoneVerified: true}
	Profile{Phone: str("+14155550123"), CountryCode: str("us")}.apply(&u)
	require.False(t, u.PhoneVerified, "a new number is not verified")
	require.Equal(t, "US", u.CountryCode)
}
