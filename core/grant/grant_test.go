package grant

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRedirectURIs(t *testing.T) {
	t.Parallel()
	for uri, want := range map[string]bool{
		"https://app.example.com/cb":      true,
		"http://127.0.0.1:8765/cb":        true,
		"http://localhost/cb":             true,
		"com.example.app:/oauth2redirect": true,
		"http://app.example.com/cb":       false,
		"https://app.example.com/cb#x":    false,
		"javascript:alert(1)":             false,
		"/relative":                       false,
		"https://":                        false,
	} {
		require.Equal(t, want, validRedirect(uri), uri)
	}
}
