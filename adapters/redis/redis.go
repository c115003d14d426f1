// Package redis implements the rate-limit port (and later stream slots) on Redis with go-redis.
// Limits use the generic cell rate algorithm of redis_rate, one atomic script per check, so any
// number of server processes sharing the Redis enforce one limit together.
package redis

import (
	"context"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	goredis "github.com/redis/go-redis/v9"

	"github.com/stvos/stvos/ports"
)

// Connect opens a client for the URL (redis://host:port/db or unix://path) and checks it answers.
func Connect(ctx context.Context, url string) (*goredis.Client, error) {
	opt, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis: parse URL: %w", err)
	}
	c := goredis.NewClient(opt)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := c.Ping(pingCtx).Err(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("redis: connect: %w", err)
	}
	return c, nil
}

// RateLimiter implements ports.RateLimiter.
type RateLimiter struct {
	limiter *redis_rate.Limiter
	prefix  string
}

var _ ports.RateLimiter = (*RateLimiter)(nil)

// NewRateLimiter returns a limiter whose keys all start with prefix (so tests, or two
// deployments sharing a Redis, stay apart).
func NewRateLimiter(c goredis.UniversalClient, prefix string) *RateLimiter {
	return &RateLimiter{limiter: redis_rate.NewLimiter(c), prefix: prefix}
}

// Allow counts one event against key.
func (l *RateLimiter) Allow(ctx context.Context, key string, limit ports.Limit) (ports.Decision, error) {
	if limit.IsZero() {
		return ports.Decision{Allowed: true, Limit: limit, Remaining: -1}, nil
	}
	burst := limit.Burst
	if burst <= 0 {
		burst = limit.Rate
	}
	res, err := l.limiter.Allow(ctx, l.prefix+key, redis_rate.Limit{Rate: limit.Rate, Burst: burst, Period: limit.Period})
	if err != nil {
		return ports.Decision{}, fmt.Errorf("redis: rate limit: %w", err)
	}
	d := ports.Decision{Allowed: res.Allowed > 0, Limit: limit, Remaining: res.Remaining, ResetAfter: res.ResetAfter}
	if !d.Allowed {
		d.RetryAfter = res.RetryAfter
	}
	return d, nil
}
