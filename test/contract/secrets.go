package contract

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// Revocations checks a ports.Revocations: a revoked session is reported revoked by every
// instance sharing the store, others are not, revoking nothing is allowed, and a revocation ends
// when its time to live does (it need only outlive the session's access tokens). fresh returns
// two instances over one store.
func Revocations(t *testing.T, fresh func(t *testing.T) (ports.Revocations, ports.Revocations)) {
	ctx := context.Background()
	revoked := func(t *testing.T, r ports.Revocations, id string) bool {
		got, err := r.Revoked(ctx, id)
		require.NoError(t, err)
		return got
	}
	t.Run("seen by every instance", func(t *testing.T) {
		one, two := fresh(t)
		a := ports.NewID()
		require.NoError(t, one.Revoke(ctx, nil, time.Minute), "revoking nothing is allowed")
		require.NoError(t, one.Revoke(ctx, []string{a}, time.Minute))
		require.True(t, revoked(t, one, a))
		require.True(t, revoked(t, two, a))
	})
	t.Run("cross-tenant: a revocation ends only its sessions", func(t *testing.T) {
		// Session ids are unique across tenants, so a revocation list keyed by them cannot reach
		// another tenant's sessions; this checks it reaches no other session at all.
		one, two := fresh(t)
		a, b, c := ports.NewID(), ports.NewID(), ports.NewID()
		require.NoError(t, one.Revoke(ctx, []string{a, b}, time.Minute))
		for _, r := range []ports.Revocations{one, two} {
			require.True(t, revoked(t, r, a))
			require.True(t, revoked(t, r, b))
			require.False(t, revoked(t, r, c))
		}
	})
	t.Run("lapses with its time to live", func(t *testing.T) {
		one, two := fresh(t)
		short := ports.NewID()
		require.NoError(t, two.Revoke(ctx, []string{short}, 50*time.Millisecond))
		require.Eventually(t, func() bool {
			got, err := one.Revoked(ctx, short)
			return err == nil && !got
		}, 10*time.Second, 20*time.Millisecond, "the revocation lapses with its time to live")
	})
}

// PasswordHasher checks a ports.PasswordHasher: the hash keeps no trace of the password, is
// salted, verifies the password and only it, and a malformed hash is an error, not a match.
func PasswordHasher(t *testing.T, h ports.PasswordHasher) {
	const pw = "correct horse battery staple"
	enc, err := h.Hash(pw)
	require.NoError(t, err)
	require.NotContains(t, enc, pw)
	again, err := h.Hash(pw)
	require.NoError(t, err)
	require.NotEqual(t, enc, again, "salted")
	for _, e := range []string{enc, again} {
		ok, err := h.Verify(pw, e)
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = h.Verify(pw+" ", e)
		require.NoError(t, err)
		require.False(t, ok)
	}
	for _, bad := range []string{"", "plain", pw} {
		ok, err := h.Verify(pw, bad)
		require.Error(t, err, "%q is no hash", bad)
		require.False(t, ok)
	}
}
