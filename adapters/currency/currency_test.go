package currency_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/currency"
)

func TestMinorDigits(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]int{"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "KRW": 0, "BHD": 3, "KWD": 3, "CHF": 2} {
		got, ok := currency.ISO4217{}.MinorDigits(code)
		require.True(t, ok, code)
		require.Equal(t, want, got, code)
	}
	for _, bad := range []string{"", "US", "usd", "USDD", "ABC", "XXX", "XTS", "U$D", "ZZZ"} {
		_, ok := currency.ISO4217{}.MinorDigits(bad)
		require.False(t, ok, bad)
	}
}
