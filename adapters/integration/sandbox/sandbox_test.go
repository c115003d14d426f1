package sandbox

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

func setup(t *testing.T) (*Provider, *httptest.Server, *http.Client) {
	p := New([]byte("0123456789abcdef0123456789abcdef"), "http://stvos.test", nil)
	srv := httptest.NewServer(p.Handler())
	t.Cleanup(srv.Close)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return p, srv, c
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

func TestConsentFormThenExchange(t *testing.T) {
	t.Parallel()
	p, srv, c := setup(t)
	ctx := context.Background()
	req := ports.AuthorizationRequest{TenantID: "t1", Source: "square", Type: "pos", State: "st-1", ReturnURL: "https://partner.example/cb?keep=1"}
	entry, err := p.AuthorizationURL(ctx, req)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(entry, "http://stvos.test"+PagePath))
	page := strings.Replace(entry, "http://stvos.test", srv.URL, 1)

	res, err := c.Get(page)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	buf := new(strings.Builder)
	_, _ = ioCopy(buf, res)
	require.Contains(t, buf.String(), "partner.example")
	form := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(buf.String(), -1) {
		form.Set(m[1], htmlUnescape(m[2]))
	}
	form.Set("decision", "approve")
	res, err = c.PostForm(srv.URL+PagePath, form)
	require.NoError(t, err)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	loc, _ := url.Parse(res.Header.Get("Location"))
	require.Equal(t, "partner.example", loc.Host)
	require.Equal(t, "1", loc.Query().Get("keep"))
	require.Equal(t, "st-1", loc.Query().Get("state"))
	code := loc.Query().Get("code")

	ex := ports.CodeExchange{TenantID: "t1", Source: "square", Type: "pos", Code: code, State: "st-1"}
	conn, err := p.Exchange(ctx, ex)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(conn.MerchantID, "sbx_mer_"))
	locs, err := p.Locations(ctx, conn)
	require.NoError(t, err)
	require.Len(t, locs, len(POSLocations))
	menus, err := p.Menus(ctx, conn, locs[0].ProviderID)
	require.NoError(t, err)
	require.Len(t, menus, len(Menus))

	for name, bad := range map[string]ports.CodeExchange{
		"other state":  {TenantID: "t1", Source: "square", Type: "pos", Code: code, State: "st-2"},
		"other tenant": {TenantID: "t2", Source: "square", Type: "pos", Code: code, State: "st-1"},
		"other type":   {TenantID: "t1", Source: "square", Type: "dsp", Code: code, State: "st-1"},
		"tampered":     {TenantID: "t1", Source: "square", Type: "pos", Code: code + "x", State: "st-1"},
		"garbage":      {TenantID: "t1", Source: "square", Type: "pos", Code: "nope", State: "st-1"},
	} {
		_, err := p.Exchange(ctx, bad)
		require.ErrorIs(t, err, ports.ErrInvalid, name)
	}
	conn.AccessToken += "x"
	_, err = p.Locations(ctx, conn)
	require.ErrorIs(t, err, ports.ErrForbidden)
}

func TestApproveAtOnceDenyAndTampering(t *testing.T) {
	t.Parallel()
	p, srv, c := setup(t)
	entry, _ := p.AuthorizationURL(context.Background(), ports.AuthorizationRequest{TenantID: "t1", Source: "ubereats", Type: "dsp",
		State: "st-9", ReturnURL: "https://partner.example/cb"})
	page := strings.Replace(entry, "http://stvos.test", srv.URL, 1)
	res, err := c.Get(page + "&approve=1")
	require.NoError(t, err)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	loc, _ := url.Parse(res.Header.Get("Location"))
	require.NotEmpty(t, loc.Query().Get("code"))

	u, _ := url.Parse(page)
	q := u.Query()
	q.Set("decision", "deny")
	res, err = c.PostForm(srv.URL+PagePath, q)
	require.NoError(t, err)
	loc, _ = url.Parse(res.Header.Get("Location"))
	require.Equal(t, "access_denied", loc.Query().Get("error"))
	require.Empty(t, loc.Query().Get("code"))

	q.Set("redirect_uri", "https://evil.example/steal")
	q.Set("decision", "approve")
	res, err = c.PostForm(srv.URL+PagePath, q)
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, res.StatusCode, "no open redirect")
}
