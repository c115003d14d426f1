package sanitize_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/sanitize"
)

func TestSanitizeKeepsFormattingAndDropsScript(t *testing.T) {
	t.Parallel()
	h := sanitize.New()
	for _, c := range []struct{ in, want string }{
		{"<h1>About Us</h1><p>Your about us content...</p>", "<h1>About Us</h1><p>Your about us content...</p>"},
		{"<ul><li><strong>Yoga</strong> &amp; <em>HIIT</em></li></ul>", "<ul><li><strong>Yoga</strong> &amp; <em>HIIT</em></li></ul>"},
		{`<p>hi<script>alert(1)</script></p>`, `<p>hi</p>`},
		{`<img src="https://cdn.example.com/a.png" onerror="alert(1)">`, `<img src="https://cdn.example.com/a.png">`},
		{`<a href="javascript:alert(1)">x</a>`, `x`},
		{`<a href="JaVaScRiPt:alert(1)">x</a>`, `x`},
		{`<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`, `x`},
		{`<p style="background:url(javascript:alert(1))" onclick="x()">y</p>`, `<p>y</p>`},
		{`<iframe src="https://evil.example"></iframe><form action="/x"><input></form>ok`, `ok`},
		{`<svg onload="alert(1)"><circle/></svg>`, ``},
	} {
		require.Equal(t, c.want, h.SanitizeHTML(c.in), c.in)
	}
	link := h.SanitizeHTML(`<a href="https://gym.example/terms">terms</a>`)
	require.Contains(t, link, `href="https://gym.example/terms"`)
	require.Contains(t, link, `rel="nofollow noopener"`)
	require.Contains(t, link, `target="_blank"`)
	require.True(t, strings.HasSuffix(link, ">terms</a>"))
}

func TestSanitizeIsIdempotent(t *testing.T) {
	t.Parallel()
	h := sanitize.New()
	for _, in := range []string{
		`<h1>Privacy</h1><p>We keep <a href="https://x.example/p">your data</a> safe &lt;always&gt;.</p><table><tr><td>1</td></tr></table>`,
		`<p onclick="x">a<script>b</script></p><a href="mailto:hi@gym.example">mail</a>`,
	} {
		once := h.SanitizeHTML(in)
		require.Equal(t, once, h.SanitizeHTML(once))
	}
}
