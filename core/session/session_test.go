package session

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

func TestRefreshTokens(t *testing.T) {
	t.Parallel()
	tenantSess := Session{ID: ports.NewID(), TenantID: ports.NewID()}
	tok, hash := newRefreshToken(tenantSess)
	scope, id, secret, ok := parseRefreshToken(tok)
	require.True(t, ok)
	require.Equal(t, ports.TenantScope(tenantSess.TenantID), scope)
	require.Equal(t, tenantSess.ID, id)
	require.True(t, sameHash(HashSecret(secret), hash))
	require.NotContains(t, string(hash), secret)

	opTok, _ := newRefreshToken(Session{ID: ports.NewID()})
	scope, _, _, ok = parseRefreshToken(opTok)
	require.True(t, ok)
	require.True(t, scope.Platform)

	for _, bad := range []string{"", "a.b.c", "platform." + id + ".short", strings.Replace(tok, ".", "", 1), "x." + id + "." + secret} {
		_, _, _, ok := parseRefreshToken(bad)
		require.False(t, ok, bad)
	}
	require.False(t, sameHash(nil, nil), "an empty hash never matches")
}
