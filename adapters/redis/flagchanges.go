package redis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/stvos/stvos/ports"
)

// FlagChanges implements ports.FlagChanges with Redis pub/sub: an announcement is a PUBLISH of the
// tenant id on one channel, which every server process subscribes to (Listen). Pub/sub delivers
// at most once and only to subscribers connected at the time, so whenever the subscription is
// (re)established the listener is told to drop everything it cached (announcements may have been
// missed meanwhile); the core also bounds the age of what it caches.
type FlagChanges struct {
	c       *goredis.Client
	channel string
	log     *slog.Logger

	mu     sync.Mutex
	cancel context.CancelFunc
	ps     *goredis.PubSub
	done   chan struct{}
}

var _ ports.FlagChanges = (*FlagChanges)(nil)

// NewFlagChanges returns the announcer on the client, its channel named with the prefix.
func NewFlagChanges(c *goredis.Client, prefix string, log *slog.Logger) *FlagChanges {
	return &FlagChanges{c: c, channel: prefix + "flags:changed", log: log}
}

// Announce implements ports.FlagChanges, trying twice; a failure is logged.
func (f *FlagChanges) Announce(ctx context.Context, tenantID string) {
	ctx = context.WithoutCancel(ctx) // the change has committed: announce it even if the caller left
	err := f.c.Publish(ctx, f.channel, tenantID).Err()
	if err != nil {
		err = f.c.Publish(ctx, f.channel, tenantID).Err()
	}
	if err != nil {
		f.log.ErrorContext(ctx, "could not announce a flag change; other processes see it within their cache's age",
			"tenant_id", tenantID, "error", err.Error())
	}
}

// Listen subscribes to the announcements and, until Stop, calls changed with the tenant id of
// each, and reset each time the subscription is established again after a loss. It returns once
// the first subscription is confirmed, so announcements made after it are heard.
func (f *FlagChanges) Listen(ctx context.Context, changed func(tenantID string), reset func()) error {
	ps := f.c.Subscribe(context.Background(), f.channel)
	if _, err := ps.ReceiveTimeout(ctx, 5*time.Second); err != nil { // the subscription's confirmation
		_ = ps.Close()
		return fmt.Errorf("redis: subscribe %s: %w", f.channel, err)
	}
	run, cancel := context.WithCancel(context.Background())
	f.mu.Lock()
	f.cancel, f.ps, f.done = cancel, ps, make(chan struct{})
	done := f.done
	f.mu.Unlock()
	go func() {
		defer close(done)
		defer ps.Close()
		lost := false
		for {
			msg, err := ps.Receive(run)
			if run.Err() != nil {
				return
			}
			if err != nil {
				if !lost && !errors.Is(err, context.Canceled) {
					f.log.Warn("flag announcements: subscription lost; reconnecting", "error", err.Error())
				}
				lost = true
				time.Sleep(100 * time.Millisecond)
				continue
			}
			switch m := msg.(type) {
			case *goredis.Subscription:
				if lost && m.Kind == "subscribe" {
					lost = false
					reset()
				}
			case *goredis.Message:
				changed(m.Payload)
			}
		}
	}()
	return nil
}

// Stop ends the listener and waits for it. Closing the subscription ends a receive that waits
// (a receive does not watch its context while it reads).
func (f *FlagChanges) Stop() {
	f.mu.Lock()
	cancel, ps, done := f.cancel, f.ps, f.done
	f.mu.Unlock()
	if cancel != nil {
		cancel()
		_ = ps.Close()
		<-done
	}
}
