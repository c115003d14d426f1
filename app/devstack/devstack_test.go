package devstack

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestChildServersDieWithTheirParent starts a stack in a child test process that then exits
// without stopping it (as a panicking test binary would), and checks its servers are gone.
func TestChildServersDieWithTheirParent(t *testing.T) {
	if os.Getenv("STVOS_DEVSTACK_CHILD") == "1" {
		st, err := Start(context.Background(), Options{})
		if err != nil {
			os.Exit(3)
		}
		_, _ = os.Stdout.WriteString(st.DatabaseURL + "\n" + st.Dir + "\n")
		os.Exit(0) // no Stop: the kernel must end the servers
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildServersDieWithTheirParent$")
	cmd.Env = append(os.Environ(), "STVOS_DEVSTACK_CHILD=1")
	out, err := cmd.Output()
	require.NoError(t, err, "the child could not start a stack: %s", out)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, 2, string(out))
	url, dir := lines[0], lines[1]
	require.Contains(t, url, "postgres://")
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	require.Eventually(t, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		return pingPostgres(ctx, url) != nil
	}, 10*time.Second, 100*time.Millisecond, "PostgreSQL outlived the process that started it")
}
