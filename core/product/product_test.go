package product

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/ports"
)

func TestValidateNamesEveryField(t *testing.T) {
	t.Parallel()
	cur := money.Table{"USD": 2, "JPY": 0}
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
