// Package browser tests the web front ends in a real headless Chromium: it runs `stvos dev` as
// `make run` does (its own PostgreSQL and Redis, the demo seed), adds a second partner for the
// isolation checks, and runs the playwright-core scenarios in portal.mjs against it. Chromium is
// Debian's (/usr/bin/chromium, or STVOS_CHROMIUM); the node modules are installed with npm ci
// when missing. Without node or chromium the test fails and says what to install: it never skips.
// Screenshots of every page at phone and laptop width go to screenshots/ (or
// STVOS_SCREENSHOT_DIR).
package browser

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// demo is what `stvos dev` keeps of its seed (app/demo.go).
type demo struct {
	OperatorEmail    string `json:"operator_email"`
	OperatorPassword string `json:"operator_password"`
	TenantID         string `json:"tenant_id"`
	APIKey           string `json:"api_key"`
	StaffEmail       string `json:"staff_email"`
	StaffPassword    string `json:"staff_password"`
	ViewerEmail      string `json:"viewer_email"`
	ViewerPassword   string `json:"viewer_password"`
	AdminEmail       string `json:"admin_email"`
	AdminPassword    string `json:"admin_password"`
	MemberEmail      string `json:"member_email"`
	MemberPassword   string `json:"member_password"`
}

func tools(t *testing.T) (node, chromium string) {
	node, err := exec.LookPath("node")
	require.NoError(t, err, "the browser tests need Node.js 20+ and npm: apt-get install -y nodejs npm (Debian), brew install node (macOS)")
	chromium = os.Getenv("STVOS_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	_, err = os.Stat(chromium)
	require.NoError(t, err, "the browser tests need Chromium at %s (or STVOS_CHROMIUM): apt-get install -y chromium (Debian)", chromium)
	if _, err := os.Stat(filepath.Join("node_modules", "playwright-core", "package.json")); err != nil {
		npm, err := exec.LookPath("npm")
		require.NoError(t, err, "npm is needed to install playwright-core (npm ci in test/browser)")
		out, err := exec.Command(npm, "ci", "--no-audit", "--no-fund").CombinedOutput()
		require.NoError(t, err, "npm ci in test/browser: %s", out)
	}
	return node, chromium
}

func startDev(t *testing.T) (base string, d demo) {
	dev := harness.StartDev(t, 4*time.Minute)
	require.Contains(t, dev.Out.String(), "/portal/#key=", "make run prints the portal's URL")
	dev.Demo(t, &d)
	return dev.URL, d
}

// call sends a JSON request and decodes the answer; want is the expected status.
func call(t *testing.T, base, method, path string, headers map[string]string, body any, want int) map[string]any {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, want, res.StatusCode, "%s %s: %s", method, path, raw)
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out))
	return out
}

// otherPartner adds a second partner of the demo client, with an owner, ten OTHER- codes and a
// member who registered with one of them, for the isolation checks.
func otherPartner(t *testing.T, base string, d demo) (email, password, memberEmail string) {
	op := call(t, base, "POST", "/platform/auth/login", nil, map[string]string{"email": d.OperatorEmail, "password": d.OperatorPassword}, 200)
	opAuth := map[string]string{"Authorization": "Bearer " + op["access_token"].(string)}
	p := call(t, base, "POST", "/platform/tenants/"+d.TenantID+"/partners", opAuth, map[string]string{"name": "Other Studio"}, 201)
	email, password = "owner@other-studio.local", "other-studio-owner"
	call(t, base, "POST", "/platform/partners/"+p["id"].(string)+"/staff", opAuth,
		map[string]string{"email": email, "password": password, "name": "Other Owner", "role": "owner"}, 201)
	login := call(t, base, "POST", "/partner-auth/login", nil, map[string]string{"email": email, "password": password}, 200)
	staff := map[string]string{"Authorization": "Bearer " + login["data"].(map[string]any)["accessToken"].(string), "X-API-Key": d.APIKey}
	vs := call(t, base, "POST", "/partner/vouchers", staff, map[string]any{"quantity": 10, "prefix": "OTHER"}, 201)
	code := vs["data"].(map[string]any)["vouchers"].([]any)[0].(map[string]any)["code"].(string)
	memberEmail = "rival.member@other-studio.local"
	call(t, base, "POST", "/auth/register", map[string]string{"X-API-Key": d.APIKey},
		map[string]string{"email": memberEmail, "password": "rival-member-pass", "name": "Rival Member", "voucherCode": code}, 201)
	return email, password, memberEmail
}

// evilSite is another origin that frames the portal and sends it forged requests.
func evilSite(t *testing.T, base string) string {
	page := fmt.Sprintf(`<!doctype html><html><body><h1>Win a prize</h1>
<iframe id="victim" name="victim" src="%[1]s/portal/" width="600" height="400"></iframe>
<form id="forge" method="post" action="%[1]s/partner/vouchers" enctype="text/plain" target="sink">
<input name='{"quantity":500,"prefix":"EVIL","x":"' value='"}'></form>
<iframe name="sink"></iframe>
<script>
document.getElementById('forge').submit();
fetch(%[2]q, {method: 'POST', credentials: 'include', mode: 'no-cors', headers: {'Content-Type': 'text/plain'},
  body: JSON.stringify({quantity: 500, prefix: 'EVIL'})}).catch(() => {});
</script></body></html>`, base, base+"/partner/vouchers")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, page)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestPartnerPortalInChromium(t *testing.T) {
	node, chromium := tools(t)
	base, d := startDev(t)
	otherEmail, otherPassword, otherMember := otherPartner(t, base, d)
	shots := screenshotDir(t)
	runScenario(t, node, "portal.mjs",
		"BASE_URL="+base, "API_KEY="+d.APIKey, "CHROMIUM="+chromium, "SCREENSHOT_DIR="+shots, "EVIL_URL="+evilSite(t, base),
		"OWNER_EMAIL="+d.StaffEmail, "OWNER_PASSWORD="+d.StaffPassword, "VIEWER_EMAIL="+d.ViewerEmail, "VIEWER_PASSWORD="+d.ViewerPassword,
		"OTHER_EMAIL="+otherEmail, "OTHER_PASSWORD="+otherPassword, "OTHER_MEMBER="+otherMember)
	t.Logf("screenshots in %s", shots)
}
