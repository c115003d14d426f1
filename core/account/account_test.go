package account

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

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
