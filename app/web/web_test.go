package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func serve(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	_, err := New(mux)
	require.NoError(t, err)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// Every page and asset may not be framed (clickjacking), runs only this server's scripts, and is
// not sniffed into another type.
func TestPagesAndAssetsCarryTheSecurityHeaders(t *testing.T) {
	t.Parallel()
	srv := serve(t)
	for _, p := range []string{"/portal/", "/operator/", "/web/operator/operator.js", "/web/portal/portal.js", "/web/common/base.css", "/web/vendor/chart.umd.min.js", "/web/nope.js"} {
		res, err := http.Get(srv.URL + p)
		require.NoError(t, err)
		_ = res.Body.Close()
		require.Equal(t, "DENY", res.Header.Get("X-Frame-Options"), p)
		require.Equal(t, Policy, res.Header.Get("Content-Security-Policy"), p)
		require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"), p)
		require.Equal(t, "no-referrer", res.Header.Get("Referrer-Policy"), p)
	}
	for _, want := range []string{"default-src 'self'", "script-src 'self';", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
		require.Contains(t, Policy, want)
	}
	require.NotContains(t, Policy, "unsafe-")
}

// The shell has no inline script or style for the policy to block, and names its entry module.
func TestShellHasNoInlineCode(t *testing.T) {
	t.Parallel()
	srv := serve(t)
	res, err := http.Get(srv.URL + "/portal/")
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	html := string(b)
	require.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
	require.Contains(t, html, `<script type="module" src="/web/portal/portal.js"></script>`)
	require.Equal(t, strings.Count(html, "<script"), strings.Count(html, `<script type="module" src=`), "no inline script")
	require.NotContains(t, html, "<style")
	require.NotContains(t, html, "style=")
}

// Every embedded asset is served with its type and revalidates by ETag.
func TestAssetsRevalidate(t *testing.T) {
	t.Parallel()
	srv := serve(t)
	res, err := http.Get(srv.URL + "/web/portal/portal.js")
	require.NoError(t, err)
	_ = res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "text/javascript; charset=utf-8", res.Header.Get("Content-Type"))
	etag := res.Header.Get("ETag")
	require.NotEmpty(t, etag)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/web/portal/portal.js", nil)
	req.Header.Set("If-None-Match", etag)
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close()
	require.Equal(t, http.StatusNotModified, res.StatusCode)

	res, err = http.Get(srv.URL + "/portal")
	require.NoError(t, err)
	_ = res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "/portal redirects to /portal/")
	require.Equal(t, "/portal/", res.Request.URL.Path)
}
