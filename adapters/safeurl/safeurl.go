// Package safeurl keeps the platform from being used to reach what it must not (SSRF): it checks
// the URLs callers give (return URLs, provider and webhook endpoints) and makes the HTTP client
// every call to such a URL goes through, which checks the address it actually dials, so a host
// name that resolves to a public address when checked and to a private one when called (DNS
// rebinding) is refused all the same. It implements ports.URLGuard.
package safeurl

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/stvos/stvos/ports"
)

// MaxLength bounds a URL.
const MaxLength = 2048

// Resolver resolves host names; net.DefaultResolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Guard checks URLs and dials only what it would accept.
type Guard struct {
	// Development allows loopback hosts (localhost, 127.0.0.0/8, ::1), over http or https, so a
	// developer's machine and the tests can run receivers and providers on loopback. Nothing else
	// changes: private and metadata addresses stay refused.
	Development bool
	// Resolver resolves host names; nil is net.DefaultResolver.
	Resolver Resolver
}

var _ ports.URLGuard = (*Guard)(nil)

// New returns a guard; development allows loopback hosts.
func New(development bool) *Guard { return &Guard{Development: development} }

// Check implements ports.URLGuard.
func (g *Guard) Check(ctx context.Context, field, raw string) error {
	if reason := g.Reason(ctx, raw); reason != "" {
		return ports.Invalid(field, reason)
	}
	return nil
}

// metadataHosts are cloud metadata services' names.
var metadataHosts = map[string]bool{
	"metadata.google.internal": true, "metadata": true, "metadata.goog": true, "instance-data": true,
	"instance-data.ec2.internal": true, "metadata.azure.internal": true,
}

// Reason answers why the URL is refused, or "" when it is acceptable.
func (g *Guard) Reason(ctx context.Context, raw string) string {
	u, reason := g.parse(raw)
	if reason != "" {
		return reason
	}
	host := canonicalHost(u.Hostname())
	if ip, err := netip.ParseAddr(host); err == nil {
		return g.blocked(ip)
	}
	if isLocalName(host) {
		if g.Development {
			return ""
		}
		return "must not point at a loopback host"
	}
	r := g.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ips, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil || len(ips) == 0 {
		return "has a host name that does not resolve"
	}
	for _, ip := range ips {
		if why := g.blocked(ip); why != "" {
			return "has a host name that resolves to an address that " + strings.TrimPrefix(why, "must not point at ") + " (refused)"
		}
	}
	return ""
}

// parse checks the URL's form: everything but where its host resolves to.
func (g *Guard) parse(raw string) (*url.URL, string) {
	if raw == "" {
		return nil, "must not be empty"
	}
	if len(raw) > MaxLength {
		return nil, fmt.Sprintf("must be at most %d characters", MaxLength)
	}
	for _, r := range raw {
		if r <= ' ' || r == 0x7f {
			return nil, "must not contain spaces or control characters"
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, "must be an absolute https URL"
	}
	switch scheme := strings.ToLower(u.Scheme); {
	case scheme == "https":
	case scheme == "http":
		if !g.Development || !isLoopbackHost(canonicalHost(u.Hostname())) {
			return nil, "must use https (http only for loopback hosts in development)"
		}
	case scheme == "":
		return nil, "must be an absolute https URL"
	default:
		return nil, "must be an https URL, not " + scheme + ":"
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, "must be an absolute https URL with a host"
	}
	if u.User != nil {
		return nil, "must not carry a user name or password"
	}
	host := canonicalHost(u.Hostname())
	if host == "" {
		return nil, "must be an absolute https URL with a host"
	}
	if metadataHosts[host] {
		return nil, "must not point at a cloud metadata service"
	}
	if p := u.Port(); p != "" && !validPort(p) {
		return nil, "has an invalid port"
	}
	if _, err := netip.ParseAddr(host); err != nil && looksNumeric(host) {
		// 2130706433, 0x7f.1, 0177.0.0.1: forms some resolvers read as addresses.
		return nil, "must name its host by a DNS name or a canonical IP address"
	}
	return u, ""
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n <= 65535
}

// canonicalHost lower-cases the host and drops a trailing dot and an IPv6 zone.
func canonicalHost(h string) string {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	if i := strings.IndexByte(h, '%'); i >= 0 && strings.Contains(h, ":") {
		h = h[:i]
	}
	return h
}

func looksNumeric(h string) bool {
	if strings.HasPrefix(h, "0x") {
		return true
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || strings.Trim(label, "0123456789") != "" {
			if strings.HasPrefix(label, "0x") {
				continue
			}
			return false
		}
	}
	return true
}

func isLocalName(h string) bool { return h == "localhost" || strings.HasSuffix(h, ".localhost") }

func isLoopbackHost(h string) bool {
	if isLocalName(h) {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.Unmap().IsLoopback()
}

var (
	cgnat     = netip.MustParsePrefix("100.64.0.0/10")
	thisNet   = netip.MustParsePrefix("0.0.0.0/8")
	ietf      = netip.MustParsePrefix("192.0.0.0/24")
	bench     = netip.MustParsePrefix("198.18.0.0/15")
	reserved  = netip.MustParsePrefix("240.0.0.0/4")
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	nat64L    = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour = netip.MustParsePrefix("2002::/16")
	teredo    = netip.MustParsePrefix("2001::/32")
	metadata  = []netip.Addr{netip.MustParseAddr("169.254.169.254"), netip.MustParseAddr("fd00:ec2::254"),
		netip.MustParseAddr("169.254.170.2"), netip.MustParseAddr("100.100.100.200")}
)

// blocked answers why the platform must not connect to ip, or "" when it may.
func (g *Guard) blocked(ip netip.Addr) string {
	return Blocked(ip, g.Development)
}

// Blocked answers why the platform must not connect to ip, or "" when it may; loopback says
// whether loopback addresses are allowed (development).
func Blocked(ip netip.Addr, loopback bool) string {
	ip = ip.Unmap()
	for _, m := range metadata {
		if ip == m {
			return "must not point at a cloud metadata service"
		}
	}
	if ip.Is6() && (nat64.Contains(ip) || nat64L.Contains(ip)) {
		b := ip.As16()
		return Blocked(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), loopback)
	}
	if ip.Is6() && sixToFour.Contains(ip) {
		b := ip.As16()
		return Blocked(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), loopback)
	}
	switch {
	case ip.IsUnspecified() || thisNet.Contains(ip):
		return "must not point at an unspecified address (0.0.0.0, ::)"
	case ip.IsLoopback():
		if loopback {
			return ""
		}
		return "must not point at a loopback address"
	case ip.IsMulticast() || ip.IsInterfaceLocalMulticast() || ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "must not point at a multicast or broadcast address"
	case ip.IsLinkLocalUnicast():
		return "must not point at a link-local address"
	case ip.IsPrivate():
		if ip.Is6() {
			return "must not point at a unique-local address"
		}
		return "must not point at a private address"
	case cgnat.Contains(ip):
		return "must not point at a carrier-grade NAT address"
	case ietf.Contains(ip) || bench.Contains(ip) || reserved.Contains(ip) || (ip.Is6() && teredo.Contains(ip)):
		return "must not point at a reserved address"
	}
	return ""
}

// ErrBlockedAddress is returned by the client's dialer for an address it must not connect to.
var ErrBlockedAddress = errors.New("safeurl: address not allowed")

// control refuses, at connect time, any address the guard would refuse.
func (g *Guard) control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrBlockedAddress, address)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrBlockedAddress, address)
	}
	if why := g.blocked(ip); why != "" {
		return fmt.Errorf("%w: %s %s", ErrBlockedAddress, ip, why)
	}
	return nil
}

// Client returns the HTTP client for calls to URLs callers gave: it dials only addresses the
// guard accepts (checked on the socket, after resolution), ignores proxy settings (a proxy would
// hide the address), follows at most three redirects, each to a URL the guard accepts, and gives
// up after timeout.
func (g *Guard) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: g.control}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          50,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("safeurl: too many redirects")
			}
			if _, why := g.parse(req.URL.String()); why != "" {
				return fmt.Errorf("safeurl: redirect refused: %s", why)
			}
			return nil
		},
	}
}
