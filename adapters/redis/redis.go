// Package redis implements, on Redis with go-redis, what every server process must share at once:
// rate limits (the generic cell rate algorithm in one atomic script, check.lua), the revocation
// list of sessions, and the change generations that tell each process its caches of a tenant are
// stale. The request path asks all of these in one round trip (Checker.Admit). Keys carry a
// {hash tag} so a Redis Cluster keeps what one script touches in one slot.
package redis

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Connect opens a client for the URL (redis://host:port/db or unix://path) and checks it answers.
func Connect(ctx context.Context, url string) (*goredis.Client, error) {
	opt, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis: parse URL: %w", err)
	}
	// RESP2: the platform uses no push notifications (client-side caching, RESP3 pub/sub), and
	// without them the client does not look for pending pushes around every command.
	opt.Protocol = 2
	c := goredis.NewClient(opt)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := c.Ping(pingCtx).Err(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("redis: connect: %w", err)
	}
	return c, nil
}
