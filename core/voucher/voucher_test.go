package voucher

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

func TestCodes(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	counts := map[byte]int{}
	for range 3000 {
		c, err := newCode("STUDIO")
		require.NoError(t, err)
		require.Regexp(t, `^STUDIO-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$`, c)
		seen[c] = true
		for i := len("STUDIO-"); i < len(c); i++ {
			counts[c[i]]++
		}
	}
	require.Greater(t, len(seen), 2990, "codes are random")
	require.Len(t, counts, len(ports.CodeAlphabet), "every symbol is used")
	for s, n := range counts { // 18,000 draws over 31 symbols: about 580 each
		require.InDelta(t, 580, n, 150, "symbol %c is drawn uniformly", s)
	}
	bare, err := newCode("")
	require.NoError(t, err)
	require.Len(t, bare, CodeLength, "no prefix, no dash")
	for _, look := range "01ILO" {
		require.False(t, strings.ContainsRune(ports.CodeAlphabet, look), "no look-alike %c", look)
	}
	require.Equal(t, "STUDIO-A1B2C3", NormalizeCode("  studio-a1b2c3 "))
}

func TestStatusShown(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Second), now.Add(time.Second)
	for _, c := range []struct {
		v    Voucher
		want string
	}{
		{Voucher{Status: Active}, Active},
		{Voucher{Status: Active, ExpiresAt: &future}, Active},
		{Voucher{Status: Active, ExpiresAt: &now}, Expired},
		{Voucher{Status: Active, ExpiresAt: &past}, Expired},
		{Voucher{Status: Redeemed, ExpiresAt: &past}, Redeemed},
		{Voucher{Status: Revoked, ExpiresAt: &past}, Revoked},
	} {
		require.Equal(t, c.want, c.v.StatusAt(now), "%+v", c.v)
	}
	require.Equal(t, 2.0, Stats{Total: 50, Redeemed: 1}.RedemptionRate())
	require.Equal(t, 50.0, Stats{Total: 500, Redeemed: 250}.RedemptionRate())
	require.Equal(t, 33.3, Stats{Total: 3, Redeemed: 1}.RedemptionRate())
	require.Equal(t, 66.7, Stats{Total: 3, Redeemed: 2}.RedemptionRate())
	require.Zero(t, Stats{}.RedemptionRate())
}
