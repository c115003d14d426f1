package redis

import (
	"context"
	"log/slog"

	"github.com/redis/go-redis/extra/redisotel/v9"
	goredis "github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/fx"

	"github.com/stvos/stvos/ports"
)

// Config is what the adapter needs to start.
type Config struct {
	URL string
	// Prefix starts every key the platform writes.
	Prefix string
}

// Module provides the client, the checker (rate limits, admission, change announcements), the
// revocation list, the stream slots and the announcements of flag changes.
var Module = fx.Module("redis",
	fx.Provide(
		newClient,
		newChecker,
		func(c *Checker) ports.RateLimiter { return c },
		func(c *Checker) ports.Admission { return c },
		func(c *Checker) ports.Changes { return c },
		func(c *Checker) ports.Failures { return c },
		fx.Annotate(func(c *goredis.Client, cfg Config) *Revocations { return NewRevocations(c, cfg.Prefix) },
			fx.As(new(ports.Revocations))),
		fx.Annotate(func(c *goredis.Client, cfg Config) *Slots { return NewSlots(c, cfg.Prefix) }, fx.As(new(ports.StreamSlots))),
		func(c *goredis.Client, cfg Config, log *slog.Logger) *FlagChanges {
			return NewFlagChanges(c, cfg.Prefix, log)
		},
		func(f *FlagChanges) ports.FlagChanges { return f },
	),
)

func newChecker(p checkerParams) *Checker {
	c := NewChecker(p.Client, p.Config.Prefix, p.Log)
	if p.Tracing == nil {
		c.Batched()
	}
	return c
}

type checkerParams struct {
	fx.In
	Client  *goredis.Client
	Config  Config
	Log     *slog.Logger
	Tracing trace.TracerProvider `optional:"true"`
}

type clientParams struct {
	fx.In
	Lifecycle fx.Lifecycle
	Config    Config
	// Tracing, when not nil, traces every command (OpenTelemetry).
	Tracing trace.TracerProvider `optional:"true"`
}

func newClient(p clientParams) (*goredis.Client, error) {
	lc, cfg := p.Lifecycle, p.Config
	c, err := Connect(context.Background(), cfg.URL)
	if err != nil {
		return nil, err
	}
	if p.Tracing != nil {
		if err := redisotel.InstrumentTracing(c, redisotel.WithTracerProvider(p.Tracing)); err != nil {
			_ = c.Close()
			return nil, err
		}
	}
	lc.Append(fx.StopHook(c.Close))
	return c, nil
}
