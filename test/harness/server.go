package harness

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/stvos/stvos/adapters/argon2"
	"github.com/stvos/stvos/app"
	"github.com/stvos/stvos/ports"
)

// Server is a running stvos, reached over real HTTP.
type Server struct {
	// URL is the base URL, such as http://127.0.0.1:41234.
	URL    string
	Config app.Config
	// Stop shuts the server down gracefully, as SIGTERM does; it is also called when the test
	// ends, and a second call does nothing.
	Stop func() error
	logs *Buffer
}

// Logs returns everything the server logged so far (JSON lines, debug level and up).
func (s *Server) Logs() string { return s.logs.String() }

// Buffer collects what a server writes while a test reads it: safe for concurrent use.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String answers everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Backends are the database and Redis a server uses; two servers given the same Backends share
// them, as processes behind a load balancer do.
type Backends struct {
	DatabaseURL string
	RedisURL    string
	RedisPrefix string
	BlobDir     string
}

// NewBackends provisions a fresh database and Redis prefix.
func NewBackends(t testing.TB) Backends {
	t.Helper()
	r, p := Redis(t)
	return Backends{DatabaseURL: Database(t), RedisURL: r, RedisPrefix: p, BlobDir: t.TempDir()}
}

// StartServer starts the real server on fresh backends.
func StartServer(t testing.TB, overrides ...map[string]string) *Server {
	t.Helper()
	return StartServerOn(t, NewBackends(t), overrides...)
}

// StartServerOn starts the real server on a free loopback port over the given backends. The
// overrides set configuration variables (STVOS_*). The server stops when the test ends.
func StartServerOn(t testing.TB, b Backends, overrides ...map[string]string) *Server {
	t.Helper()
	return StartServerWith(t, b, fx.Options(), overrides...)
}

// StartServerWith is StartServerOn with extra fx options joining the application graph (a test
// may add a route to the mux, for example).
func StartServerWith(t testing.TB, b Backends, extra fx.Option, overrides ...map[string]string) *Server {
	t.Helper()
	env := map[string]string{
		"STVOS_ADDR": "127.0.0.1:0", "STVOS_DATABASE_URL": b.DatabaseURL, "STVOS_REDIS_URL": b.RedisURL,
		"STVOS_REDIS_PREFIX": b.RedisPrefix, "STVOS_PUBLIC_URL": "http://stvos.test", "STVOS_SHUTDOWN_TIMEOUT": "5s",
		"STVOS_BLOB_DIR": b.BlobDir, "STVOS_KEY_USE_INTERVAL": "100ms",
	}
	for _, o := range overrides {
		for k, v := range o {
			env[k] = v
		}
	}
	cfg, err := app.ParseConfig(app.Defaults(env))
	if err != nil {
		t.Fatalf("harness: config: %v", err)
	}
	if _, ok := env["STVOS_SIGNING_KEY_FILE"]; !ok { // naming it, even empty, lets the server keep its own key
		cfg.SigningKeyPEM = SigningKey(t)
	}
	logs := &Buffer{}
	var out io.Writer = logs
	if testing.Verbose() {
		out = io.MultiWriter(logs, testWriter{t})
	}
	// Tests read everything down to debug; a benchmark that names STVOS_LOG_LEVEL gets its level, so
	// that the access log of every request does not weigh on what it measures.
	level := slog.LevelDebug
	if _, ok := env["STVOS_LOG_LEVEL"]; ok {
		level = cfg.LogLevel
	}
	log := slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: level}))
	var srv *app.Server
	a := fx.New(app.Options(cfg, log), Passwords, extra, fx.Populate(&srv))
	if err := a.Err(); err != nil {
		t.Fatalf("harness: build app: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.Start(ctx); err != nil {
		t.Fatalf("harness: start app: %v", err)
	}
	var once sync.Once
	stop := func() (err error) {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			err = a.Stop(ctx)
		})
		return err
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("harness: stop app: %v", err)
		}
	})
	return &Server{URL: "http://" + srv.Addr(), Config: cfg, Stop: stop, logs: logs}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

// Passwords gives the servers the tests start a password hasher at a cost tests can afford under
// the race detector: argon2id with 1 MiB and one pass instead of the server's 64 MiB and two
// (half a second a hash with -race, and the end-to-end tests sign in hundreds of times). It is
// the same adapter and the same encoded format, so every sign-in still hashes and verifies for
// real; the server's own parameters are those of adapters/argon2, which its tests cover.
var Passwords = fx.Decorate(func(ports.PasswordHasher) ports.PasswordHasher { return PasswordHasher() })

// PasswordHasher is the hasher of the servers the tests start (see Passwords), for tests that
// store a password themselves (app.BootstrapWith).
func PasswordHasher() ports.PasswordHasher {
	return argon2.New(argon2.Params{Memory: 1024, Time: 1, Threads: 1})
}
