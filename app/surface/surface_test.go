package surface

import (
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/stretchr/testify/require"
)

func TestFieldNames(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		d    huma.ErrorDetail
		want string
	}{
		{huma.ErrorDetail{Location: "body.branding.primary_color", Message: "bad"}, "branding.primary_color"},
		{huma.ErrorDetail{Location: "body", Message: "expected required property slug to be present"}, "slug"},
		{huma.ErrorDetail{Location: "body.branding", Message: "expected required property logo_url to be present"}, "branding.logo_url"},
		{huma.ErrorDetail{Location: "query.limit", Message: "too big"}, "query.limit"},
		{huma.ErrorDetail{Location: "path.tenant_id", Message: "bad uuid"}, "path.tenant_id"},
	} {
		require.Equal(t, c.want, fieldOf(&c.d))
	}
}

func TestRequestIDs(t *testing.T) {
	t.Parallel()
	require.Equal(t, "abc-123", sanitizeID("abc-123"))
	require.Empty(t, sanitizeID(strings.Repeat("a", 129)))
	require.Empty(t, sanitizeID("has space"))
	require.Empty(t, sanitizeID("line\nbreak"))
}

func TestIfMatch(t *testing.T) {
	t.Parallel()
	for h, want := range map[string]int{"": 0, `"7"`: 7, `W/"12"`: 12} {
		v, err := IfMatchVersion(h)
		require.NoError(t, err)
		require.Equal(t, want, v)
	}
	for _, bad := range []string{`"x"`, `"0"`, `"-1"`, "*"} {
		_, err := IfMatchVersion(bad)
		require.Error(t, err, bad)
	}
	require.Equal(t, `"3"`, ETag(3))
}
