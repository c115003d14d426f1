// Package harness provisions real PostgreSQL and Redis for integration and end-to-end tests, and
// starts the real server on a free port. Servers come, in order of preference, from
// STVOS_TEST_DATABASE_URL and STVOS_TEST_REDIS_URL, from testcontainers when a Docker engine
// answers, or from throwaway local postgres and redis-server processes. Each test gets a fresh
// database cloned from a migrated template and its own Redis key prefix. When nothing can be
// provisioned the test fails and says what to install: it never skips.
//
// Packages that use the harness call it from TestMain: func TestMain(m *testing.M) { harness.Main(m) }.
package harness

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/adapters/jwt"
	"github.com/stvos/stvos/app"
	"github.com/stvos/stvos/app/devstack"
	"github.com/stvos/stvos/app/devstack/docker"
)

type services struct {
	adminURL string // a URL of a role that may create databases and roles
	redisURL string
	template string // name of the migrated template database
	stack    *devstack.Stack
	err      error
}

var (
	once   sync.Once
	shared services
)

// Main runs the package's tests, then stops whatever the harness started.
func Main(m *testing.M) {
	code := m.Run()
	if shared.stack != nil {
		_ = shared.stack.Stop()
	}
	if stripeStack != nil {
		_ = stripeStack.Stop()
	}
	if mailpitStack != nil {
		_ = mailpitStack.Stop()
	}
	os.Exit(code)
}

func provision() *services {
	once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		shared.adminURL, shared.redisURL = os.Getenv("STVOS_TEST_DATABASE_URL"), os.Getenv("STVOS_TEST_REDIS_URL")
		if shared.adminURL == "" || shared.redisURL == "" {
			st, err := devstack.Start(ctx, devstack.Options{Docker: docker.Start})
			if err != nil {
				shared.err = err
				return
			}
			shared.stack = st
			if shared.adminURL == "" {
				shared.adminURL = st.DatabaseURL
			}
			if shared.redisURL == "" {
				shared.redisURL = st.RedisURL
			}
		}
		shared.template = "stvos_tmpl_" + randomHex(6)
		if err := createDatabase(ctx, shared.adminURL, shared.template, ""); err != nil {
			shared.err = err
			return
		}
		if _, err := app.Migrate(ctx, withDatabase(shared.adminURL, shared.template)); err != nil {
			shared.err = fmt.Errorf("migrate template: %w", err)
		}
	})
	return &shared
}

func require(t testing.TB) *services {
	t.Helper()
	s := provision()
	if s.err != nil {
		t.Fatalf("harness: cannot provision PostgreSQL and Redis: %v\n%s", s.err, devstack.InstallHint())
	}
	return s
}

// Database returns the URL of a fresh, migrated database owned by the admin role; it is dropped
// when the test ends.
func Database(t testing.TB) string {
	t.Helper()
	s := require(t)
	name := "stvos_t_" + randomHex(8)
	ctx := context.Background()
	if err := createDatabase(ctx, s.adminURL, name, s.template); err != nil {
		t.Fatalf("harness: create database: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, s.adminURL)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	})
	return withDatabase(s.adminURL, name)
}

// Redis returns the Redis URL and a key prefix no other test uses.
func Redis(t testing.TB) (redisURL, prefix string) {
	t.Helper()
	s := require(t)
	return s.redisURL, "t" + randomHex(6) + ":"
}

var (
	keyOnce sync.Once
	keyPEM  string
	keyErr  error
)

// SigningKey returns one RSA signing key per test process, so that servers need not generate one
// each (generating is tested on its own).
func SigningKey(t testing.TB) string {
	t.Helper()
	keyOnce.Do(func() { keyPEM, keyErr = jwt.GenerateKeyPEM() })
	if keyErr != nil {
		t.Fatal(keyErr)
	}
	return keyPEM
}

func createDatabase(ctx context.Context, adminURL, name, template string) error {
	c, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		sql += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	_, err = c.Exec(ctx, sql)
	return err
}

func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
