package giftcard

import (
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/money"
)

func TestCodes(t *testing.T) {
	t.Parallel()
	format := regexp.MustCompile(`^[A-HJKMNP-Z2-9]{4}(-[A-HJKMNP-Z2-9]{4}){3}$`)
	seen := map[string]bool{}
	for range 1000 {
		c, err := NewCode()
		require.NoError(t, err)
		require.Regexp(t, format, c)
		require.False(t, seen[c])
		seen[c] = true
		norm, ok := Normalize(c)
		require.True(t, ok)
		require.Len(t, norm, 16)
		require.Equal(t, c, Format(norm))
	}
	for in, want := range map[string]string{
		"7kqd-m2xh-r9tb-wc4p": "7KQDM2XHR9TBWC4P",
		"7KQD M2XH R9TB WC4P": "7KQDM2XHR9TBWC4P",
		"7KQDM2XHR9TBWC4P":    "7KQDM2XHR9TBWC4P",
	} {
		got, ok := Normalize(in)
		require.True(t, ok, in)
		require.Equal(t, want, got)
		require.Equal(t, Hash(want), Hash(got), "one hash whatever the typing")
	}
	for _, bad := range []string{"", "7KQD-M2XH-R9TB", "7KQD-M2XH-R9TB-WC4P-AAAA", "OKQD-M2XH-R9TB-WC4P", "1KQD-M2XH-R9TB-WC4P",
		"7KQD_M2XH_R9TB_WC4P", "ÄKQD-M2XH-R9TB-WC4"} {
		_, ok := Normalize(bad)
		require.False(t, ok, bad)
	}
	require.Len(t, Hash("7KQDM2XHR9TBWC4P"), 32)
}

func TestStatus(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)
	later, earlier := now.Add(time.Hour), now.Add(-time.Hour)
	c := Card{Value: money.Amount{Minor: 2500, Digits: 2, Currency: "USD"}}
	require.Equal(t, StatusActive, c.Status(now))
	c.ExpiresAt = &later
	require.Equal(t, StatusActive, c.Status(now))
	require.Equal(t, StatusExpired, c.Status(later), "expired at its expiry")
	c.ExpiresAt = &earlier
	require.Equal(t, StatusExpired, c.Status(now))
	require.Equal(t, int64(2500), c.Remaining().Minor)
	c.RedeemedBy, c.RedeemedAt = "u1", &earlier
	require.Equal(t, StatusRedeemed, c.Status(now), "redeemed wins over expired")
	require.Equal(t, money.Amount{Digits: 2, Currency: "USD"}, c.Remaining())
}
