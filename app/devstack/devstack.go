// Package devstack provisions real PostgreSQL and Redis for `stvos dev` and for the test harness:
// containers when a Docker engine answers (through a Provisioner such as devstack/docker, which
// the test harness always plugs in and the binary only when built with -tags docker, so `serve`
// does not link testcontainers), otherwise throwaway (or, for dev, persistent) local postgres and
// redis-server processes on free loopback ports. When neither is possible it says exactly what to
// install.
package devstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"
)

// Stack is a running PostgreSQL and Redis.
type Stack struct {
	// DatabaseURL is a superuser URL of the server's postgres database.
	DatabaseURL string
	// RedisURL is the Redis URL.
	RedisURL string
	// How says how the stack was provisioned: "docker" or "local".
	How string
	// Dir is the folder of a local stack's data.
	Dir string

	mu    sync.Mutex
	stops []func() error
}

// Options tune provisioning.
type Options struct {
	// Dir keeps the data of local processes; empty means a temporary folder removed on Stop.
	Dir string
	// Log receives the output of local server processes; nil discards it.
	Log io.Writer
	// Docker, when set, is tried first; without it only local processes are tried.
	Docker Provisioner
}

// Provisioner starts a stack another way (containers); it fails at once, at no cost, when it
// cannot.
type Provisioner func(ctx context.Context) (*Stack, error)

// ErrNothingToRun means neither Docker nor local binaries are available.
var ErrNothingToRun = errors.New("devstack: no Docker engine and no local postgres/redis-server")

// Start provisions the stack.
func Start(ctx context.Context, opt Options) (*Stack, error) {
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	dockerErr := errors.New("not built in (tests, and binaries built with -tags docker, have it)")
	if opt.Docker != nil {
		s, err := opt.Docker(ctx)
		if err == nil {
			return s, nil
		}
		dockerErr = err
	}
	s, err := startLocal(ctx, opt)
	if err != nil {
		return nil, fmt.Errorf("%w\n  docker: %v\n  local: %v\n%s", ErrNothingToRun, dockerErr, err, InstallHint())
	}
	return s, nil
}

// InstallHint tells what to install so the stack can be provisioned.
func InstallHint() string {
	return "Install PostgreSQL 15+ and Redis, for example on Debian or Ubuntu:\n" +
		"    sudo apt-get update && sudo apt-get install -y postgresql redis-server\n" +
		"  on macOS: brew install postgresql@15 redis\n" +
		"  or start a Docker engine, or set STVOS_TEST_DATABASE_URL and STVOS_TEST_REDIS_URL."
}

// Stop ends what Start began, newest first.
func (s *Stack) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for i := len(s.stops) - 1; i >= 0; i-- {
		errs = append(errs, s.stops[i]())
	}
	s.stops = nil
	return errors.Join(errs...)
}

// OnStop adds what Stop must undo.
func (s *Stack) OnStop(f func() error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stops = append(s.stops, f)
}

// WaitReady polls until both servers answer.
func WaitReady(ctx context.Context, dbURL, redisURL string) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	opt, err := goredis.ParseURL(redisURL)
	if err != nil {
		return err
	}
	rc := goredis.NewClient(opt)
	defer rc.Close()
	for {
		pgErr := pingPostgres(ctx, dbURL)
		rErr := rc.Ping(ctx).Err()
		if pgErr == nil && rErr == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("devstack: servers not ready: postgres: %v; redis: %v", pgErr, rErr)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func pingPostgres(ctx context.Context, url string) error {
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	return c.Ping(ctx)
}

// findBinary looks for a program on PATH and in the usual PostgreSQL folders.
func findBinary(name string) (string, error) {
	dirs := filepath.SplitList(os.Getenv("PATH"))
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(matches) - 1; i >= 0; i-- { // newest major version first
		dirs = append(dirs, matches[i])
	}
	dirs = append(dirs, "/opt/homebrew/bin", "/usr/local/bin")
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found on PATH or in /usr/lib/postgresql/*/bin", name)
}
