package privacy

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// parseLink splits a download link into what the route reads from it.
func parseLink(t *testing.T, link string) (tenantID, exportID string, expires int64, signature string) {
	t.Helper()
	u, err := url.Parse(link)
	require.NoError(t, err)
	parts := strings.Split(strings.TrimPrefix(u.Path, "/privacy/exports/"), "/")
	require.Len(t, parts, 3, link)
	require.Equal(t, "archive", parts[2])
	expires, err = strconv.ParseInt(u.Query().Get("expires"), 10, 64)
	require.NoError(t, err)
	return parts[0], parts[1], expires, u.Query().Get("signature")
}

func TestLinksSignEveryPartAndExpire(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	l := NewLinks(bytes.Repeat([]byte{1}, 32), "https://api.example.test/privacy/exports")
	link := l.URL("t1", "e1", now.Add(24*time.Hour))
	require.True(t, strings.HasPrefix(link, "https://api.example.test/privacy/exports/t1/e1/archive?expires="), link)
	tenant, export, expires, sig := parseLink(t, link)
	require.Equal(t, now.Add(24*time.Hour).Unix(), expires)
	require.NoError(t, l.Check(tenant, export, expires, sig, now))
	require.NoError(t, l.Check(tenant, export, expires, sig, now.Add(24*time.Hour-time.Second)))
	require.ErrorIs(t, l.Check(tenant, export, expires, sig, now.Add(24*time.Hour)), ErrLinkExpired, "valid until, not at, its time")

	// Every part is signed: another tenant, export or time, or a changed signature, is refused,
	// and a forged later time is refused as invalid, never as merely expired.
	for name, c := range map[string]struct {
		tenant, export string
		expires        int64
		sig            string
	}{
		"another tenant": {"t2", export, expires, sig},
		"another export": {tenant, "e2", expires, sig},
		"a later time":   {tenant, export, expires + 3600, sig},
		"a flipped char": {tenant, export, expires, flip(sig)},
		"no signature":   {tenant, export, expires, ""},
		"not base64":     {tenant, export, expires, "!!!"},
		"a shorter one":  {tenant, export, expires, sig[:20]},
	} {
		require.ErrorIs(t, l.Check(c.tenant, c.export, c.expires, c.sig, now), ErrLinkInvalid, name)
		require.ErrorIs(t, l.Check(c.tenant, c.export, c.expires, c.sig, now.Add(48*time.Hour)), ErrLinkInvalid, name)
	}
	other := NewLinks(bytes.Repeat([]byte{2}, 32), "https://api.example.test/privacy/exports")
	require.ErrorIs(t, other.Check(tenant, export, expires, sig, now), ErrLinkInvalid, "another server's secret")
	short := NewLinks([]byte("short"), "https://h/privacy/exports")
	_, _, e2, s2 := parseLink(t, short.URL("t1", "e1", now.Add(time.Hour)))
	require.ErrorIs(t, short.Check("t1", "e1", e2, s2, now), ErrLinkInvalid, "a key shorter than 32 bytes signs nothing")
}

func flip(s string) string {
	b := []byte(s)
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}
