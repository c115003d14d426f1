package redis

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/stvos/stvos/ports"
)

// Revocations implements ports.Revocations with one expiring key per revoked session.
type Revocations struct {
	c      goredis.UniversalClient
	prefix string
}

var _ ports.Revocations = (*Revocations)(nil)

// NewRevocations returns the revocation list.
func NewRevocations(c goredis.UniversalClient, prefix string) *Revocations {
	return &Revocations{c: c, prefix: prefix}
}

func (r *Revocations) key(sessionID string) string { return revokedKey(r.prefix, sessionID) }

// revokedKey is the key that marks a session revoked; admission checks read it too.
func revokedKey(prefix, sessionID string) string { return prefix + "revoked:{" + sessionID + "}" }

// Revoke marks the sessions revoked for ttl.
func (r *Revocations) Revoke(ctx context.Context, sessionIDs []string, ttl time.Duration) error {
	if len(sessionIDs) == 0 {
		return nil
	}
	_, err := r.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for _, id := range sessionIDs {
			p.Set(ctx, r.key(id), "1", ttl)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("redis: revoke: %w", err)
	}
	return nil
}

// Revoked reports whether the session was revoked.
func (r *Revocations) Revoked(ctx context.Context, sessionID string) (bool, error) {
	n, err := r.c.Exists(ctx, r.key(sessionID)).Result()
	if err != nil {
		return false, fmt.Errorf("redis: revoked: %w", err)
	}
	return n > 0, nil
}
