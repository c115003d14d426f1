package webhook

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestSignAndVerify(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":"evt_1","type":"locations.bound"}`)
	h := Header("whsec_x", now, body)
	require.Regexp(t, `^t=1800000000,v1=[0-9a-f]{64}$`, h)
	require.NoError(t, Verify("whsec_x", h, body, 0, now.Add(time.Minute)))
	require.NoError(t, Verify("whsec_x", "t=1800000000,v1=00,"+h[len("t=1800000000,"):], body, 0, now), "one matching v1 is enough")

	cases := map[string]struct {
		secret, header string
		body           []byte
		at             time.Time
		want           error
	}{
		"wrong secret":  {"whsec_y", h, body, now, ErrBadSignature},
		"changed body":  {"whsec_x", h, []byte(`{"id":"evt_2"}`), now, ErrBadSignature},
		"too old":       {"whsec_x", h, body, now.Add(6 * time.Minute), ErrSignatureExpired},
		"from future":   {"whsec_x", h, body, now.Add(-6 * time.Minute), ErrSignatureExpired},
		"no header":     {"whsec_x", "", body, now, ErrNoSignature},
		"no v1":         {"whsec_x", "t=1800000000", body, now, ErrNoSignature},
		"bad timestamp": {"whsec_x", "t=abc,v1=00", body, now, ErrNoSignature},
	}
	for name, c := range cases {
		require.ErrorIs(t, Verify(c.secret, c.header, c.body, 0, c.at), c.want, name)
	}
}
