package tenants

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/stvos/stvos/core/tenant"
)

// KeyUses gathers the last use of each API key seen by this process and records them in
// batches, so resolving a key on the request path writes nothing.
type KeyUses struct {
	tenants *tenant.Service
	log     *slog.Logger

	mu   sync.Mutex
	seen map[string]tenant.KeyUse
	// noted is when each key's use was last noted (Unix seconds), read without a lock so that
	// the request path takes the mutex at most every useGranularity per key.
	noted sync.Map

	stop chan struct{}
	done chan struct{}
}

// NewKeyUses returns an empty batch; Run writes it periodically.
func NewKeyUses(tenants *tenant.Service, log *slog.Logger) *KeyUses {
	return &KeyUses{tenants: tenants, log: log, seen: map[string]tenant.KeyUse{}}
}

// useGranularity is how precisely a key's last use is kept.
const useGranularity = 10 * time.Second

// Seen notes a use of the key.
func (u *KeyUses) Seen(k tenant.APIKey, at time.Time) {
	if last, ok := u.noted.Load(k.ID); ok && at.Unix()-last.(int64) < int64(useGranularity/time.Second) {
		return
	}
	u.noted.Store(k.ID, at.Unix())
	u.mu.Lock()
	u.seen[k.ID] = tenant.KeyUse{TenantID: k.TenantID, KeyID: k.ID, At: at}
	u.mu.Unlock()
}

// Flush records the uses gathered so far.
func (u *KeyUses) Flush(ctx context.Context) error {
	u.mu.Lock()
	batch := make([]tenant.KeyUse, 0, len(u.seen))
	for _, s := range u.seen {
		batch = append(batch, s)
	}
	clear(u.seen)
	u.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	return u.tenants.RecordKeyUses(ctx, batch)
}

// Start writes the gathered uses every interval until Stop: an API key's last_used_at is at most
// that late, and a read never writes.
func (u *KeyUses) Start(interval time.Duration) {
	u.stop, u.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(u.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-u.stop:
				return
			case <-tick.C:
				u.flushLogged(context.Background())
			}
		}
	}()
}

// Stop ends the periodic writes and writes what is left.
func (u *KeyUses) Stop(ctx context.Context) {
	if u.stop != nil {
		close(u.stop)
		<-u.done
	}
	u.flushLogged(ctx)
}

func (u *KeyUses) flushLogged(ctx context.Context) {
	if err := u.Flush(ctx); err != nil {
		u.log.ErrorContext(ctx, "recording API key uses", "error", err.Error())
	}
}
