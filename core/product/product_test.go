package product

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

func TestNormalizePrice(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in     string
		digits int
		want   string
	}{
		{"29.99", 2, "29.99"}, {"29.9", 2, "29.90"}, {"29", 2, "29.00"}, {"0.5", 2, "0.50"}, {"007.10", 2, "7.10"},
		{"29.990", 2, "29.99"}, {"0", 2, "0.00"}, {"500", 0, "500"}, {"500.00", 0, "500"}, {"1.234", 3, "1.234"},
		{"9999999999.99", 2, "9999999999.99"},
	} {
		got, reason := NormalizePrice(c.in, c.digits)
		require.Empty(t, reason, c.in)
		require.Equal(t, c.want, got, c.in)
	}
	for _, c := range []struct {
		in     string
		digits int
	}{
		{"", 2}, {"-1", 2}, {"+1", 2}, {"1e3", 2}, {"1,000.00", 2}, {"29.999", 2}, {"29.5", 0}, {".5", 2}, {"5.", 2},
		{"1.2.3", 2}, {" 1", 2}, {"NaN", 2}, {"10000000000", 2}, {"٣", 2},
	} {
		_, reason := NormalizePrice(c.in, c.digits)
		require.NotEmpty(t, reason, c.in)
	}
}

type fakeCurrencies map[string]int

func (f fakeCurrencies) MinorDigits(code string) (int, bool) {
	d, ok := f[code]
	return d, ok
}

func TestValidateNamesEveryField(t *testing.T) {
	t.Parallel()
	cur := fakeCurrencies{"USD": 2, "JPY": 0}
	p := Product{Name: "", Description: string(make([]rune, 5001)), Image: "javascript:alert(1)", ExternalURL: "ftp://x",
		ProductType: string(make([]byte, 61)), Status: "live", SortOrder: 2_000_000, Currency: "XYZ", Price: "1"}
	var v ports.Validation
	p.validate(&v, cur)
	var got []string
	for _, f := range ports.AsError(v.Err()).Fields {
		got = append(got, f.Field)
	}
	require.ElementsMatch(t, []string{"name", "description", "image", "externalUrl", "productType", "status", "sortOrder", "currency"}, got)

	ok := Product{Name: "Mat", Status: StatusActive, Currency: "JPY", Price: "1200.0", Image: "https://cdn.example.com/m.png"}
	var v2 ports.Validation
	ok.validate(&v2, cur)
	require.NoError(t, v2.Err())
	require.Equal(t, "1200", ok.Price)
	bad := Product{Name: "Mat", Status: StatusActive, Currency: "JPY", Price: "1200.5"}
	var v3 ports.Validation
	bad.validate(&v3, cur)
	require.Equal(t, "price", ports.AsError(v3.Err()).Fields[0].Field)
}

func TestChangeKeepsWhatIsNotSent(t *testing.T) {
	t.Parallel()
	p := Product{Name: "Mat", Price: "10.00", Currency: "USD", Featured: true, SortOrder: 3}
	name, cur, empty := " Yoga Mat ", "eur", ""
	Change{Name: &name, Currency: &cur, Price: &empty}.apply(&p)
	require.Equal(t, Product{Name: "Yoga Mat", Currency: "EUR", Price: "", Featured: true, SortOrder: 3}, p)
}
