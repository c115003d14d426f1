// Command httpbench measures the shared request path against PostgreSQL's own speed on the same
// machine in the same run (make bench-http). It provisions PostgreSQL and Redis (as the test
// harness does), builds and starts `stvos serve` as its own process with rate limits, revocation
// checks and access logs on, onboards a client, a subscriber and an API key over HTTP, then:
//
//  1. runs pgbench on the transaction an authenticated tenant read costs the database
//     (BEGIN; set_config('app.tenant_id'); one indexed select by tenant; COMMIT) as the role the
//     server works as, under row-level security: the ceiling;
//  2. drives each route with a closed-loop load of N connections (vegeta) and reports requests
//     per second, p50 and p99;
//  3. prints each route's throughput as a ratio to the ceiling.
//
// Absolute figures differ from machine to machine; the ratio is what to compare. With -profile
// it also saves a CPU profile of the server taken during the load of the first route.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/stvos/stvos/app/devstack"
	"github.com/stvos/stvos/app/devstack/docker"
)

type options struct {
	duration    time.Duration
	connections int
	pgClients   int
	profile     string
	routes      string
	driver      string
}

func main() {
	var o options
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "how long each measurement runs")
	flag.IntVar(&o.connections, "connections", 32, "concurrent HTTP connections of the load")
	flag.IntVar(&o.pgClients, "pgbench-clients", 16, "pgbench clients (-c) for the ceiling")
	flag.StringVar(&o.profile, "profile", "", "save a CPU profile of the server under load of the first route to this file")
	flag.StringVar(&o.routes, "routes", "app-strings,users-me", "routes to drive: app-strings, users-me")
	flag.StringVar(&o.driver, "driver", "auto", "load driver: wrk (lighter, C), vegeta (Go library), or auto (wrk when installed)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "httpbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "stvos-httpbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Println("provisioning PostgreSQL and Redis ...")
	stack, err := devstack.Start(ctx, devstack.Options{Docker: docker.Start})
	if err != nil {
		return err
	}
	defer stack.Stop() //nolint:errcheck // best effort at exit
	srv, err := startServer(ctx, dir, stack)
	if err != nil {
		return err
	}
	defer srv.stop()
	fx, err := onboard(ctx, srv.url)
	if err != nil {
		return fmt.Errorf("onboard: %w (server log: %s)", err, srv.logFile)
	}
	routes, err := pickRoutes(o.routes, srv.url, fx)
	if err != nil {
		return err
	}
	fmt.Printf("ceiling: pgbench -M prepared -c %d -j 2 -T %s on the same transaction ...\n", o.pgClients, o.duration)
	ceiling, err := pgbench(ctx, dir, stack.DatabaseURL, fx.tenantID, o)
	if err != nil {
		return err
	}
	var results []result
	for i, r := range routes {
		prof := ""
		if i == 0 {
			prof = o.profile
		}
		res, err := drive(ctx, r, o, srv, prof)
		if err != nil {
			return err
		}
		results = append(results, res)
	}
	// The ceiling is measured again after the load, and the higher figure kept, so a machine
	// that got busier during the run does not flatter the ratio.
	again, err := pgbench(ctx, dir, stack.DatabaseURL, fx.tenantID, o)
	if err != nil {
		return err
	}
	ceiling = max(ceiling, again)
	report(os.Stdout, ceiling, results, o)
	return nil
}

type server struct {
	url     string
	logFile string
	cmd     *exec.Cmd
	metrics string
}

func (s *server) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		_ = s.cmd.Wait()
	}
}

// startServer builds the binary and runs stvos serve on a free loopback port.
func startServer(ctx context.Context, dir string, stack *devstack.Stack) (*server, error) {
	bin := filepath.Join(dir, "stvos")
	fmt.Println("building stvos ...")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/stvos")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("go build: %w", err)
	}
	port, err := devstack.FreePort()
	if err != nil {
		return nil, err
	}
	metrics, err := devstack.FreePort()
	if err != nil {
		return nil, err
	}
	s := &server{url: "http://127.0.0.1:" + strconv.Itoa(port), logFile: filepath.Join(dir, "server.log"),
		metrics: "127.0.0.1:" + strconv.Itoa(metrics)}
	env := append(os.Environ(),
		"STVOS_ADDR=127.0.0.1:"+strconv.Itoa(port), "STVOS_PUBLIC_URL="+s.url,
		"STVOS_DATABASE_URL="+stack.DatabaseURL, "STVOS_REDIS_URL="+stack.RedisURL,
		"STVOS_MIGRATE=true", "STVOS_LOG_LEVEL=info", "STVOS_BLOB_DIR="+filepath.Join(dir, "blobs"),
		"STVOS_METRICS_ADDR="+s.metrics,
		// Limits stay on (every request is counted in Redis) but high enough not to refuse the load.
		"STVOS_RATE_PER_ADDRESS=1000000000", "STVOS_RATE_PER_CREDENTIAL=1000000000")
	boot := exec.CommandContext(ctx, bin, "migrate")
	boot.Env, boot.Stderr = env, os.Stderr
	if err := boot.Run(); err != nil {
		return nil, fmt.Errorf("stvos migrate: %w", err)
	}
	boot = exec.CommandContext(ctx, bin, "bootstrap", "--email", operatorEmail, "--password", password)
	boot.Env, boot.Stderr = env, os.Stderr
	if err := boot.Run(); err != nil {
		return nil, fmt.Errorf("stvos bootstrap: %w", err)
	}
	logf, err := os.Create(s.logFile)
	if err != nil {
		return nil, err
	}
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Env, s.cmd.Stdout, s.cmd.Stderr = env, logf, logf
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(s.url + "/readyz")
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("the server did not become ready; see %s", s.logFile)
}
