package redis

import (
	"context"
	"log/slog"

	goredis "github.com/redis/go-redis/v9"
	"go.uber.org/fx"

	"github.com/stvos/stvos/ports"
)

// Config is what the adapter needs to start.
type Config struct {
	URL string
	// Prefix starts every key the platform writes.
	Prefix string
}

// Module provides the client, the checker (rate limits, admission, change announcements) and the
// revocation list.
var Module = fx.Module("redis",
	fx.Provide(
		newClient,
		func(c *goredis.Client, cfg Config, log *slog.Logger) *Checker { return NewChecker(c, cfg.Prefix, log) },
		func(c *Checker) ports.RateLimiter { return c },
		func(c *Checker) ports.Admission { return c },
		func(c *Checker) ports.Changes { return c },
		func(c *Checker) ports.Failures { return c },
		fx.Annotate(func(c *goredis.Client, cfg Config) *Revocations { return NewRevocations(c, cfg.Prefix) },
			fx.As(new(ports.Revocations))),
	),
)

func newClient(lc fx.Lifecycle, cfg Config) (*goredis.Client, error) {
	c, err := Connect(context.Background(), cfg.URL)
	if err != nil {
		return nil, err
	}
	lc.Append(fx.StopHook(c.Close))
	return c, nil
}
