package browser

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// screenshotDir is where the scenarios write their screenshots: STVOS_SCREENSHOT_DIR, else
// screenshots/ beside the tests (ignored by git).
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("STVOS_SCREENSHOT_DIR")
	if dir == "" {
		abs, err := filepath.Abs("screenshots")
		require.NoError(t, err)
		dir = abs
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// runScenario runs one playwright-core script with the environment given and fails with its output.
func runScenario(t *testing.T, node, script string, env ...string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script)
	cmd.Env = append(os.Environ(), env...)
	out := &harness.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 10 * time.Second
	err := cmd.Run()
	t.Log("\n" + out.String())
	require.NoError(t, err, "the browser scenarios of %s failed (output above)", script)
}

// The operator console: an operator onboards a client through the wizard and its new API key
// works against the app surface; suspending the client refuses the key, resuming restores it;
// keys, partners and staff are managed from the client's page. Then a partner owner manages
// staff in the portal: a viewer they add signs in and cannot generate vouchers.
func TestOperatorConsoleInChromium(t *testing.T) {
	node, chromium := tools(t)
	base, d := startDev(t)
	shots := screenshotDir(t)
	runScenario(t, node, "operator.mjs",
		"BASE_URL="+base, "CHROMIUM="+chromium, "SCREENSHOT_DIR="+shots, "API_KEY="+d.APIKey,
		"OPERATOR_EMAIL="+d.OperatorEmail, "OPERATOR_PASSWORD="+d.OperatorPassword,
		"OWNER_EMAIL="+d.StaffEmail, "OWNER_PASSWORD="+d.StaffPassword)
	t.Logf("screenshots in %s (operator-*.png)", shots)
}
