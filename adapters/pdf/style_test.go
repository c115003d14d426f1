package pdf

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBrandPaletteFallsBackWhenTheColourCannotBeUsed(t *testing.T) {
	t.Parallel()
	orange := rgb{0xE4, 0x57, 0x2E}
	gold := rgb{0xFF, 0xD7, 0x00}
	for _, c := range []struct {
		brand              string
		accent, accentText rgb
	}{
		{"#E4572E", orange, orange},
		{"e4572e", orange, orange},
		{"#333", rgb{0x33, 0x33, 0x33}, rgb{0x33, 0x33, 0x33}},
		{"", colorNeutral, colorNeutral},
		{"#E4572", colorNeutral, colorNeutral},
		{"#GGGGGG", colorNeutral, colorNeutral},
		{"rebeccapurple", colorNeutral, colorNeutral},
		{"#FFFFFF", colorNeutral, colorNeutral}, // a white bar on white paper would vanish
		{"#FFEB3B", colorNeutral, colorNeutral}, // so would a pale yellow one
		{"#FFD700", gold, colorNeutral},         // gold shows as a bar but is unreadable as text
	} {
		p := brandPalette(c.brand)
		require.Equal(t, c.accent, p.accent, c.brand)
		require.Equal(t, c.accentText, p.accentText, c.brand)
	}
}

func TestAmountHelpers(t *testing.T) {
	t.Parallel()
	for _, z := range []string{"", "0", "0.00", "-0.00", " 0 ", "+0,00"} {
		require.True(t, isZero(z), z)
	}
	for _, nz := range []string{"0.01", "-3.21", "10"} {
		require.False(t, isZero(nz), nz)
	}
	require.Equal(t, "9.99 EUR", money("9.99", "eur"))
	require.Equal(t, "0 EUR", money("", "EUR"))
	require.Equal(t, "-6.32 EUR", deduction("6.32", "EUR"))
	require.Equal(t, "-6.32 EUR", deduction("-6.32", "EUR"))
	start := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 1, 0)
	require.Equal(t, "2026-12-02 – 2027-01-02", period(&start, &end))
	require.Equal(t, "from 2026-12-02", period(&start, nil))
	require.Empty(t, period(nil, nil))
	require.Equal(t, "A B\uFFFD\uFFFD", clean("A\x00B\xff\U0001F600", false))
	require.Equal(t, "a\nb c", clean("a\nb\rc", true))
}
