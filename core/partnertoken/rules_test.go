package partnertoken

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

func TestNarrowScopes(t *testing.T) {
	t.Parallel()
	granted := []string{"sso", "user", "onboarding"}
	cases := []struct {
		requested []string
		want      []string
		invalid   bool
	}{
		{nil, []string{"user", "onboarding", "sso"}, false},
		{[]string{}, []string{"user", "onboarding", "sso"}, false},
		{[]string{"user"}, []string{"user"}, false},
		{[]string{"sso", "user", "sso"}, []string{"user", "sso"}, false},
		{[]string{"billing"}, nil, true},
		{[]string{"user", "flags"}, nil, true},
		{[]string{"admin"}, nil, true},
		{[]string{""}, nil, true},
	}
	for _, c := range cases {
		got, err := NarrowScopes(granted, c.requested)
		if c.invalid {
			require.ErrorIs(t, err, ports.ErrBadRequest, "%v", c.requested)
			require.Equal(t, "invalid_scope", ports.AsError(err).Code)
			require.Equal(t, "scopes", ports.AsError(err).Fields[0].Field)
			continue
		}
		require.NoError(t, err, "%v", c.requested)
		require.Equal(t, c.want, got, "%v", c.requested)
	}
}

func TestAccessTTL(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 500_000_000, time.UTC)
	at := func(d time.Duration) int64 { return now.Truncate(time.Second).Add(d).Unix() }
	cases := []struct {
		exp     int64
		want    time.Duration
		invalid bool
	}{
		{0, session.AccessTokenTTL, false},
		{at(10 * time.Minute), 10 * time.Minute, false},
		{at(time.Minute), time.Minute, false},
		{at(time.Hour), time.Hour, false},
		{at(time.Hour + time.Second), time.Hour, false}, // clamped
		{at(48 * time.Hour), time.Hour, false},
		{1 << 40, time.Hour, false},
		{at(59 * time.Second), 0, true},
		{at(0), 0, true},
		{at(-time.Hour), 0, true},
		{-1, 0, true},
	}
	for _, c := range cases {
		got, err := AccessTTL(now, c.exp)
		if c.invalid {
			require.ErrorIs(t, err, ports.ErrBadRequest, "exp %d", c.exp)
			require.Equal(t, "invalid_request", ports.AsError(err).Code)
			continue
		}
		require.NoError(t, err, "exp %d", c.exp)
		require.Equal(t, c.want, got, "exp %d", c.exp)
	}
}

func TestCredentials(t *testing.T) {
	t.Parallel()
	id, secret, hash := newCredentials()
	require.True(t, validClientID(id), id)
	require.True(t, strings.HasPrefix(secret, secretScheme))
	tok := Token{SecretHash: hash}
	require.True(t, tok.Matches(secret))
	require.False(t, tok.Matches(secret+"x"))
	require.False(t, Token{}.Matches(secret), "a token without a hash matches nothing")
	require.NotContains(t, string(hash), secret)
	for _, bad := range []string{"", "stvp_", "stvp_AAAAAAAAAAAAAAAA", "stvp_aaaaaaaaaaaaaaa", "stv_aaaaaaaaaaaaaaaa", secret} {
		require.False(t, validClientID(bad), bad)
	}
	other, _, _ := newCredentials()
	require.NotEqual(t, id, other)
}

func TestValidateScopes(t *testing.T) {
	t.Parallel()
	var v ports.Validation
	require.Equal(t, []string{"user", "flags"}, validateScopes(&v, "scopes", []string{"flags", "user", "flags"}))
	require.NoError(t, v.Err())
	v = ports.Validation{}
	validateScopes(&v, "scopes", nil)
	require.Error(t, v.Err())
	v = ports.Validation{}
	validateScopes(&v, "scopes", []string{"user", "root"})
	err := v.Err()
	require.True(t, errors.Is(err, ports.ErrInvalid))
	require.Equal(t, "scopes[1]", ports.AsError(err).Fields[0].Field)
}
