package safeurl

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// fakeDNS answers fixed addresses per name.
type fakeDNS map[string][]string

func (f fakeDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	addrs, ok := f[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	out := make([]netip.Addr, len(addrs))
	for i, a := range addrs {
		out[i] = netip.MustParseAddr(a)
	}
	return out, nil
}

var dns = fakeDNS{
	"partner.example":    {"93.184.216.34"},
	"v6.example":         {"2606:2800:220:1:248:1893:25c8:1946"},
	"private.example":    {"10.1.2.3"},
	"mixed.example":      {"93.184.216.34", "192.168.1.10"},
	"metadata.example":   {"169.254.169.254"},
	"cgnat.example":      {"100.64.1.1"},
	"ula.example":        {"fd12:3456::1"},
	"loop.example":       {"127.0.0.1"},
	"mapped.example":     {"::ffff:10.0.0.1"},
	"ec2meta6.example":   {"fd00:ec2::254"},
	"zero.example":       {"0.0.0.0"},
	"linklocal6.example": {"fe80::1"},
}

func TestReason(t *testing.T) {
	t.Parallel()
	cases := []struct {
		url     string
		dev     bool
		refused string // part of the reason; "" for accepted
	}{
		{"https://partner.example/cb?x=1", false, ""},
		{"https://v6.example/cb", false, ""},
		{"https://93.184.216.34/cb", false, ""},
		{"https://partner.example./cb", false, ""},
		{"", false, "must not be empty"},
		{"/relative/path", false, "absolute https URL"},
		{"partner.example/cb", false, "absolute https URL"},
		{"http://partner.example/cb", false, "must use https"},
		{"http://partner.example/cb", true, "must use https"},
		{"javascript:alert(1)", false, "not javascript:"},
		{"JavaScript:alert(1)", false, "not javascript:"},
		{"data:text/html;base64,PHNjcmlwdD4=", false, "not data:"},
		{"ftp://partner.example/x", false, "not ftp:"},
		{"https://user:pass@partner.example/", false, "user name or password"},
		{"https://user@partner.example/", false, "user name or password"},
		{"https:///path", false, "with a host"},
		{"https://partner.example/a b", false, "spaces"},
		{"https://10.0.0.1/", false, "private address"},
		{"https://172.16.5.4/", false, "private address"},
		{"https://192.168.0.1/", false, "private address"},
		{"https://169.254.169.254/latest/meta-data/", false, "metadata"},
		{"https://169.254.169.254/latest/meta-data/", true, "metadata"},
		{"https://[fd00:ec2::254]/", false, "metadata"},
		{"https://metadata.google.internal/computeMetadata/v1/", false, "metadata"},
		{"https://METADATA.google.internal./", false, "metadata"},
		{"https://169.254.1.1/", false, "link-local"},
		{"https://[fe80::1]/", false, "link-local"},
		{"https://100.64.0.1/", false, "carrier-grade NAT"},
		{"https://100.127.255.254/", false, "carrier-grade NAT"},
		{"https://[fc00::1]/", false, "unique-local"},
		{"https://[fd12:3456::1]/", false, "unique-local"},
		{"https://0.0.0.0/", false, "unspecified"},
		{"https://0.0.0.0/", true, "unspecified"},
		{"https://[::]/", false, "unspecified"},
		{"https://127.0.0.1/", false, "loopback"},
		{"https://[::1]/", false, "loopback"},
		{"https://localhost/", false, "loopback"},
		{"http://localhost:8080/cb", false, "must use https"},
		{"http://127.0.0.1:8080/cb", true, ""},
		{"http://[::1]:8080/cb", true, ""},
		{"http://localhost:8080/cb", true, ""},
		{"https://127.0.0.1/cb", true, ""},
		{"http://10.0.0.1/cb", true, "must use https"},
		{"https://10.0.0.1/cb", true, "private address"},
		{"https://[::ffff:10.0.0.1]/", false, "private address"},
		{"https://[::ffff:169.254.169.254]/", false, "metadata"},
		{"https://[64:ff9b::a00:1]/", false, "private address"},
		{"https://[2002:a00:1::1]/", false, "private address"},
		{"https://2130706433/", false, "canonical IP address"},
		{"https://0x7f000001/", false, "canonical IP address"},
		{"https://0177.0.0.1/", false, "canonical IP address"},
		{"https://255.255.255.255/", false, "broadcast"},
		{"https://224.0.0.1/", false, "multicast"},
		{"https://private.example/", false, "resolves to an address that"},
		{"https://mixed.example/", false, "private address"},
		{"https://metadata.example/", false, "metadata"},
		{"https://cgnat.example/", false, "carrier-grade NAT"},
		{"https://ula.example/", false, "unique-local"},
		{"https://loop.example/", false, "loopback"},
		{"https://loop.example/", true, ""},
		{"https://mapped.example/", false, "private address"},
		{"https://ec2meta6.example/", false, "metadata"},
		{"https://zero.example/", false, "unspecified"},
		{"https://linklocal6.example/", false, "link-local"},
		{"https://nowhere.example/", false, "does not resolve"},
		{"https://partner.example:99999/", false, "invalid port"},
	}
	for _, c := range cases {
		g := &Guard{Development: c.dev, Resolver: dns}
		got := g.Reason(context.Background(), c.url)
		if c.refused == "" {
			require.Empty(t, got, "%q (dev %v) should be accepted", c.url, c.dev)
			continue
		}
		require.Contains(t, got, c.refused, "%q (dev %v)", c.url, c.dev)
	}
}

func TestCheckNamesTheField(t *testing.T) {
	t.Parallel()
	g := &Guard{Resolver: dns}
	err := g.Check(context.Background(), "return_url", "javascript:alert(1)")
	require.ErrorIs(t, err, ports.ErrInvalid)
	e := ports.AsError(err)
	require.Equal(t, "return_url", e.Fields[0].Field)
	require.Contains(t, e.Fields[0].Reason, "https")
	require.NoError(t, g.Check(context.Background(), "return_url", "https://partner.example/cb"))
}

// TestClientChecksTheDialedAddress shows DNS rebinding gains nothing: whatever a name resolved to
// when it was checked, the client refuses to connect to a loopback address outside development.
func TestClientChecksTheDialedAddress(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "secret") }))
	defer srv.Close()

	strict := (&Guard{}).Client(5 * time.Second)
	_, err := strict.Get(srv.URL) // http://127.0.0.1:port, as a rebound name would dial
	require.ErrorIs(t, err, ErrBlockedAddress)

	dev := (&Guard{Development: true}).Client(5 * time.Second)
	res, err := dev.Get(srv.URL)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, "secret", string(body))

	// A redirect to a refused URL is not followed.
	redir := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	}))
	defer redir.Close()
	_, err = dev.Get(redir.URL)
	require.ErrorContains(t, err, "redirect refused")
}

func TestBlockedDialsLocalhostName(t *testing.T) {
	t.Parallel()
	// A name resolving to loopback: the dial is refused even though the URL's form is fine.
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	_, port, _ := netSplit(srv.URL)
	_, err := (&Guard{}).Client(5 * time.Second).Get("http://localhost:" + port + "/")
	require.ErrorIs(t, err, ErrBlockedAddress)
}

func netSplit(u string) (string, string, error) {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		return "", "", err
	}
	return req.URL.Hostname(), req.URL.Port(), nil
}
