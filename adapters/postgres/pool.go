package postgres

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// AppRole is the role the server works as: a member of it may SET ROLE, owns no table, and so is
// bound by row-level security.
const AppRole = "stvos_app"

// Connect opens a pool whose connections work as AppRole. It checks the database answers.
func Connect(ctx context.Context, url string) (*pgxpool.Pool, error) {
	return ConnectTraced(ctx, url, nil)
}

// ConnectTraced is Connect with a tracer of every query (none when nil).
func ConnectTraced(ctx context.Context, url string, tracer pgx.QueryTracer) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse database URL: %w", err)
	}
	cfg.ConnConfig.Tracer = tracer
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, "SET ROLE "+AppRole)
		return err
	}
	if !strings.Contains(url, "pool_max_conns") {
		// pgxpool's default (the number of CPUs, at least 4) leaves requests queueing for a
		// connection while others wait on the network; a few per CPU keep the CPUs busy.
		cfg.MaxConns = int32(max(8, 4*runtime.GOMAXPROCS(0)))
	}
	if cfg.MaxConnIdleTime == 0 || cfg.MaxConnIdleTime > 5*time.Minute {
		cfg.MaxConnIdleTime = 5 * time.Minute
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open pool: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect as %s (did `stvos migrate` run?): %w", AppRole, err)
	}
	return pool, nil
}
