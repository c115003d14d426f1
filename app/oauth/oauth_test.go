package oauth

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestUserCodes(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 200 {
		c := newUserCode()
		require.Regexp(t, `^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$`, c)
		seen[c] = true
		require.Equal(t, c, normalizeUserCode(c))
	}
	require.Greater(t, len(seen), 190, "codes are random")
	require.Equal(t, "BCDF-GHJK", normalizeUserCode(" bcdf ghjk "))
	require.Equal(t, "BCDF-GHJK", normalizeUserCode("bcdfghjk"))
	for _, bad := range []string{"", "BCDF-GHJ", "AEIO-UBCD", "BCDF-GHJK-L", "12345678"} {
		require.Empty(t, normalizeUserCode(bad), bad)
	}
}
