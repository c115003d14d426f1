package browser

import "testing"

// TestConsoleInChromium runs the client's admin console scenarios of console.mjs against
// `stvos dev` (as make run starts it, with the demo seed).
func TestConsoleInChromium(t *testing.T) {
	node, chromium := tools(t)
	base, d := startDev(t)
	shots := screenshotDir(t)
	runScenario(t, node, "console.mjs", "BASE_URL="+base, "API_KEY="+d.APIKey, "CHROMIUM="+chromium, "SCREENSHOT_DIR="+shots,
		"ADMIN_EMAIL="+d.AdminEmail, "ADMIN_PASSWORD="+d.AdminPassword, "MEMBER_EMAIL="+d.MemberEmail, "MEMBER_PASSWORD="+d.MemberPassword)
	t.Logf("screenshots in %s (console-*.png)", shots)
}
