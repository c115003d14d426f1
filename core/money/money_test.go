package money

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in     string
		digits int
		want   string
	}{
		{"29.99", 2, "29.99"}, {"29.9", 2, "29.90"}, {"29", 2, "29.00"}, {"0.5", 2, "0.50"}, {"007.10", 2, "7.10"},
		{"29.990", 2, "29.99"}, {"0", 2, "0.00"}, {"500", 0, "500"}, {"500.00", 0, "500"}, {"1.234", 3, "1.234"},
		{"9999999999.99", 2, "9999999999.99"}, {"9999999999.9999", 4, "9999999999.9999"}, {"0.0001", 4, "0.0001"},
	} {
		got, reason := Normalize(c.in, c.digits)
		require.Empty(t, reason, c.in)
		require.Equal(t, c.want, got, c.in)
	}
	for _, c := range []struct {
		in     string
		digits int
	}{
		{"", 2}, {"-1", 2}, {"+1", 2}, {"1e3", 2}, {"1,000.00", 2}, {"29.999", 2}, {"29.5", 0}, {".5", 2}, {"5.", 2},
		{"1.2.3", 2}, {" 1", 2}, {"NaN", 2}, {"10000000000", 2}, {"٣", 2}, {"1", -1}, {"1", 5},
	} {
		_, reason := Normalize(c.in, c.digits)
		require.NotEmpty(t, reason, c.in)
	}
}

func TestParseAndFormatAreExact(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in     string
		digits int
		minor  int64
	}{
		{"9.99", 2, 999}, {"0.1", 2, 10}, {"0.07", 2, 7}, {"500", 0, 500}, {"1.005", 3, 1005}, {"0", 2, 0},
		{"9999999999.99", 2, 999_999_999_999}, {"9999999999.9999", 4, 99_999_999_999_999},
	} {
		minor, reason := Parse(c.in, c.digits)
		require.Empty(t, reason, c.in)
		require.Equal(t, c.minor, minor, c.in)
	}
	for _, c := range []struct {
		minor  int64
		digits int
		want   string
	}{
		{999, 2, "9.99"}, {50, 2, "0.50"}, {7, 2, "0.07"}, {0, 2, "0.00"}, {500, 0, "500"}, {1005, 3, "1.005"},
		{-7, 2, "-0.07"}, {-1234, 2, "-12.34"}, {math.MinInt64, 0, "-9223372036854775808"},
	} {
		require.Equal(t, c.want, Format(c.minor, c.digits), c.minor)
	}
	require.Equal(t, "19.90", Amount{Minor: 1990, Digits: 2, Currency: "EUR"}.Decimal())
}

func TestReadNamesTheFieldAtFault(t *testing.T) {
	t.Parallel()
	cur := Table{"USD": 2, "JPY": 0}
	var v ports.Validation
	a, ok := Read(&v, cur, "9.9", "USD", "price", "currency")
	require.True(t, ok)
	require.NoError(t, v.Err())
	require.Equal(t, Amount{Minor: 990, Digits: 2, Currency: "USD"}, a)

	for _, c := range []struct{ decimal, code, field string }{
		{"9.99", "XYZ", "currency"}, {"9.99", "usd", "currency"}, {"9.5", "JPY", "price"}, {"1e2", "USD", "price"},
	} {
		var v ports.Validation
		_, ok := Read(&v, cur, c.decimal, c.code, "price", "currency")
		require.False(t, ok, c)
		fs := ports.AsError(v.Err()).Fields
		require.Len(t, fs, 1, c)
		require.Equal(t, c.field, fs[0].Field, c)
	}
}
