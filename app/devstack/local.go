package devstack

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// startLocal runs postgres and redis-server as child processes on free loopback ports.
func startLocal(ctx context.Context, opt Options) (*Stack, error) {
	initdb, err := findBinary("initdb")
	if err != nil {
		return nil, err
	}
	postgresBin, err := findBinary("postgres")
	if err != nil {
		return nil, err
	}
	redisBin, err := findBinary("redis-server")
	if err != nil {
		return nil, err
	}
	s := &Stack{How: "local"}
	dir := opt.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "stvos-stack-"); err != nil {
			return nil, err
		}
		s.OnStop(func() error { return os.RemoveAll(dir) })
	}
	dir, _ = filepath.Abs(dir)
	s.Dir = dir
	cred, err := runAs()
	if err != nil {
		return nil, err
	}
	pgDir, redisDir := filepath.Join(dir, "postgres"), filepath.Join(dir, "redis")
	for _, d := range []string{dir, pgDir, redisDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
		if cred != nil {
			if err := os.Chown(d, int(cred.Uid), int(cred.Gid)); err != nil {
				return nil, err
			}
		}
	}
	if _, err := os.Stat(filepath.Join(pgDir, "PG_VERSION")); os.IsNotExist(err) {
		cmd := exec.CommandContext(ctx, initdb, "-D", pgDir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if out, err := cmd.CombinedOutput(); err != nil {
			_ = s.Stop()
			return nil, fmt.Errorf("initdb: %v: %s", err, out)
		}
	}
	pgPort, err := FreePort()
	if err != nil {
		return nil, err
	}
	if err := s.spawn(opt, cred, postgresBin, "-D", pgDir, "-p", strconv.Itoa(pgPort), "-k", pgDir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=300"); err != nil {
		_ = s.Stop()
		return nil, err
	}
	redisPort, err := FreePort()
	if err != nil {
		return nil, err
	}
	if err := s.spawn(opt, nil, redisBin, "--port", strconv.Itoa(redisPort), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", redisDir); err != nil {
		_ = s.Stop()
		return nil, err
	}
	s.DatabaseURL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pgPort)
	s.RedisURL = fmt.Sprintf("redis://127.0.0.1:%d/0", redisPort)
	if err := WaitReady(ctx, s.DatabaseURL, s.RedisURL); err != nil {
		_ = s.Stop()
		return nil, err
	}
	return s, nil
}

// Spawn starts another server process beside the stack's (a test double such as stripe-mock),
// owned and stopped like them: Stop ends it, and it dies with this process.
func (s *Stack) Spawn(log io.Writer, bin string, args ...string) error {
	if log == nil {
		log = io.Discard
	}
	return s.spawn(Options{Log: log}, nil, bin, args...)
}

// spawn starts a server process in its own process group and stops it with SIGINT (PostgreSQL's
// fast shutdown; Redis exits too), then SIGKILL after ten seconds. If this process dies without
// stopping it (a test binary that panics, a dev server killed hard), the kernel kills it too.
func (s *Stack) spawn(opt Options, cred *syscall.Credential, bin string, args ...string) error {
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = opt.Log, opt.Log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: cred, Pdeathsig: syscall.SIGKILL}
	if err := startFromSpawner(cmd); err != nil {
		return fmt.Errorf("start %s: %w", filepath.Base(bin), err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.OnStop(func() error {
		_ = cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		return nil
	})
	return nil
}

// The parent-death signal fires when the thread that started the child exits, not the process;
// Go moves goroutines between threads and ends threads. So children are started from one
// goroutine locked to its thread for the life of the process: the signal fires only when the
// process dies.
var (
	spawnOnce sync.Once
	spawnReqs chan spawnReq
)

type spawnReq struct {
	cmd  *exec.Cmd
	done chan error
}

func startFromSpawner(cmd *exec.Cmd) error {
	spawnOnce.Do(func() {
		spawnReqs = make(chan spawnReq)
		go func() {
			runtime.LockOSThread() // never unlocked: this thread lives as long as the process
			for r := range spawnReqs {
				r.done <- r.cmd.Start()
			}
		}()
	})
	r := spawnReq{cmd: cmd, done: make(chan error, 1)}
	spawnReqs <- r
	return <-r.done
}

// runAs returns the credential to run PostgreSQL with: PostgreSQL refuses to run as root, so as
// root it runs as the postgres user.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL needs a 'postgres' user to run as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// FreePort asks the kernel for a free loopback port.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
