package harness

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stvos/stvos/app"
	"github.com/stvos/stvos/app/devstack/docker"
)

// Dev is `stvos dev` run as `make run` runs it: its own databases and the demo seed.
type Dev struct {
	URL string
	// Dir is its folder, which holds demo.json.
	Dir string
	// Out is what it printed.
	Out *Buffer
}

// StartDev runs `stvos dev` on a free loopback port until it says it is ready (within timeout),
// and stops it when the test ends.
func StartDev(t testing.TB, timeout time.Duration) Dev {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("harness: dev: %v", err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	dir := t.TempDir()
	// As root the dev databases run as the postgres user, who must reach the folder.
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatalf("harness: dev: %v", err)
		}
	}
	out := &Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- app.Dev(ctx, app.DevOptions{Dir: dir, Addr: addr, Out: out, Docker: docker.Start, Extra: Passwords})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("harness: stvos dev: %v", err)
		}
	})
	for deadline := time.Now().Add(timeout); !strings.Contains(out.String(), "Ctrl-C stops"); time.Sleep(100 * time.Millisecond) {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("harness: stvos dev stopped before it was ready: %v\n%s", err, out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("harness: stvos dev did not come up in %s:\n%s", timeout, out)
		}
	}
	return Dev{URL: "http://" + addr, Dir: dir, Out: out}
}

// Demo decodes what the dev server kept of its seed (demo.json) into v.
func (d Dev) Demo(t testing.TB, v any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(d.Dir, "demo.json"))
	if err == nil {
		err = json.Unmarshal(raw, v)
	}
	if err != nil {
		t.Fatalf("harness: demo.json: %v", err)
	}
}
