package browser

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestConsoleInChromium runs the client's admin console scenarios of console.mjs against
// `stvos dev` (as make run starts it, with the demo seed).
func TestConsoleInChromium(t *testing.T) {
	node, chromium := tools(t)
	base, d := startDev(t)
	shots := os.Getenv("STVOS_SCREENSHOT_DIR")
	if shots == "" {
		abs, err := filepath.Abs("screenshots")
		require.NoError(t, err)
		shots = abs
	}
	require.NoError(t, os.MkdirAll(shots, 0o755))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "console.mjs")
	cmd.Env = append(os.Environ(), "BASE_URL="+base, "API_KEY="+d.APIKey, "CHROMIUM="+chromium, "SCREENSHOT_DIR="+shots,
		"ADMIN_EMAIL="+d.AdminEmail, "ADMIN_PASSWORD="+d.AdminPassword, "MEMBER_EMAIL="+d.MemberEmail, "MEMBER_PASSWORD="+d.MemberPassword)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 10 * time.Second
	err := cmd.Run()
	t.Log("\n" + out.String())
	require.NoError(t, err, "the console scenarios failed (output above)")
	t.Logf("screenshots in %s", shots)
}
