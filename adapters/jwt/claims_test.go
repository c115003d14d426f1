package jwt

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

func payload(t *testing.T, tok string) map[string]any {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
	require.NoError(t, err)
	m := map[string]any{}
	require.NoError(t, json.Unmarshal(raw, &m))
	return m
}

// TestClaimNames pins the names tokens carry: clients and every process of the platform read them.
func TestClaimNames(t *testing.T) {
	t.Parallel()
	now := time.Unix(1780000000, 0)
	c := ports.Claims{ID: "j", Subject: "s", Kind: "user", TenantID: "t", PartnerID: "p", Roles: []string{"subscriber"},
		Scopes: []string{"openid", "profile"}, SessionID: "sid", ClientID: "stvc_app", Audience: "tenant",
		IssuedAt: now.Unix(), ExpiresAt: now.Add(time.Minute).Unix()}
	m := Encode("https://issuer.test", c).Map()
	require.Equal(t, map[string]any{"iss": "https://issuer.test", "sub": "s", "aud": []any{"tenant"}, "jti": "j",
		"iat": now.Unix(), "exp": now.Add(time.Minute).Unix(), "knd": "user", "tid": "t", "pid": "p", "roles": []any{"subscriber"},
		"scope": "openid profile", "sid": "sid", "client_id": "stvc_app"}, m, "dates are whole numbers, aud an array")

	require.Equal(t, c, Encode("i", c).Decode(), "decoding gives back what was encoded")

	firstParty := c
	firstParty.ClientID, firstParty.Scopes, firstParty.PartnerID = "", nil, ""
	require.Equal(t, []string{"aud", "exp", "iat", "iss", "jti", "knd", "roles", "sid", "sub", "tid"},
		slices.Sorted(maps.Keys(Encode("i", firstParty).Map())), "a first-party token names no client and no scope")
}

func TestDelegatedTokensCarryTheirClient(t *testing.T) {
	t.Parallel()
	ctx, clock := context.Background(), &fixedClock{t: time.Now()}
	s, err := New(ctx, &memKeys{}, "https://issuer.test", "", clock)
	require.NoError(t, err)
	delegated := sample(clock.t)
	delegated.ClientID = "stvc_app"
	tok, err := s.Sign(ctx, delegated)
	require.NoError(t, err)
	require.Equal(t, "stvc_app", payload(t, tok)["client_id"])
	c, err := s.Verify(ctx, tok, "platform")
	require.NoError(t, err)
	require.Equal(t, "stvc_app", c.ClientID)

	tok, err = s.Sign(ctx, sample(clock.t))
	require.NoError(t, err)
	require.NotContains(t, payload(t, tok), "client_id")
	c, err = s.Verify(ctx, tok, "platform")
	require.NoError(t, err)
	require.Empty(t, c.ClientID)
}
