package surface

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDecimalKeepsTheNumbersText(t *testing.T) {
	t.Parallel()
	var v struct {
		Price Decimal `json:"price"`
	}
	for _, n := range []string{"9.99", "19.90", "1200", "0", "9999999999.99", "0.1000000000000000055511151231257827", "1e2", "-1"} {
		require.NoError(t, json.Unmarshal([]byte(`{"price": `+n+`}`), &v), n)
		require.Equal(t, Decimal(n), v.Price, "the text as sent, never through float64")
		out, err := json.Marshal(v)
		require.NoError(t, err)
		require.Equal(t, `{"price":`+n+`}`, string(out))
	}
	for _, bad := range []string{`"9.99"`, `true`, `[1]`, `{}`} {
		require.Error(t, json.Unmarshal([]byte(`{"price": `+bad+`}`), &v), bad)
	}
	v.Price = "9.99"
	require.NoError(t, json.Unmarshal([]byte(`{"price": null}`), &v))
	require.Equal(t, Decimal("9.99"), v.Price, "null leaves it")
	_, err := json.Marshal(struct{ P Decimal }{})
	require.Error(t, err, "an empty Decimal is no number")
}
