package seal

import (
	"crypto/rand"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

func TestSealOpen(t *testing.T) {
	t.Parallel()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	s, err := New(key)
	require.NoError(t, err)
	a, err := s.Seal([]byte("whsec_abc"), "webhook:1")
	require.NoError(t, err)
	b, _ := s.Seal([]byte("whsec_abc"), "webhook:1")
	require.NotEqual(t, a, b, "a fresh nonce each time")
	require.NotContains(t, a, "whsec_abc")
	plain, err := s.Open(a, "webhook:1")
	require.NoError(t, err)
	require.Equal(t, "whsec_abc", string(plain))
	_, err = s.Open(a, "webhook:2")
	require.ErrorIs(t, err, ports.ErrInvalid, "bound to its context")
	_, err = s.Open(a[:len(a)-2]+"AA", "webhook:1")
	require.ErrorIs(t, err, ports.ErrInvalid)
	other, _ := New(make([]byte, 32))
	_, err = other.Open(a, "webhook:1")
	require.ErrorIs(t, err, ports.ErrInvalid)
	_, err = New([]byte("short"))
	require.Error(t, err)
}
