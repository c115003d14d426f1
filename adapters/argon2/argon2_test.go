package argon2

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/contract"
)

func TestPasswordHasherContract(t *testing.T) {
	t.Parallel()
	contract.PasswordHasher(t, New(Params{Memory: 8 * 1024, Time: 1, Threads: 1}))
}

func TestHashAndVerify(t *testing.T) {
	t.Parallel()
	h := New(Params{Memory: 8 * 1024, Time: 1, Threads: 1})
	enc, err := h.Hash("correct horse battery staple")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(enc, "$argon2id$v=19$m=8192,t=1,p=1$"))
	require.NotContains(t, enc, "correct horse")
	again, err := h.Hash("correct horse battery staple")
	require.NoError(t, err)
	require.NotEqual(t, enc, again, "salted")

	ok, err := h.Verify("correct horse battery staple", enc)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = h.Verify("wrong", enc)
	require.NoError(t, err)
	require.False(t, ok)
	// Hashes keep their parameters: a hasher with other defaults still verifies them.
	ok, err = New(DefaultParams).Verify("correct horse battery staple", enc)
	require.NoError(t, err)
	require.True(t, ok)

	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA"} {
		_, err := h.Verify("x", bad)
		require.ErrorIs(t, err, ErrMalformedHash, bad)
	}
}
