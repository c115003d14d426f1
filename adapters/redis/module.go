package redis

import (
	"context"

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

// Module provides the client and the rate limiter.
var Module = fx.Module("redis",
	fx.Provide(
		newClient,
		fx.Annotate(func(c *goredis.Client, cfg Config) *RateLimiter { return NewRateLimiter(c, cfg.Prefix) },
			fx.As(new(ports.RateLimiter))),
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
