package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/stvos/stvos/ports"
)

// Slots implements ports.StreamSlots with one sorted set per account: members are slot ids,
// scores the time (Redis's own, in milliseconds) each slot expires. Every operation is one
// script, so two processes racing for the last slot cannot both win.
type Slots struct {
	c      goredis.UniversalClient
	prefix string
}

var _ ports.StreamSlots = (*Slots)(nil)

// NewSlots returns the stream slots.
func NewSlots(c goredis.UniversalClient, prefix string) *Slots { return &Slots{c: c, prefix: prefix} }

func (s *Slots) key(tenantID, account string) string {
	return s.prefix + "slots:{" + tenantID + ":" + account + "}"
}

// now is Redis time in milliseconds; expired slots are dropped first.
const slotsPrelude = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
`

// acquire: ARGV id, limit, ttl ms. Returns {taken, held}.
var acquireScript = goredis.NewScript(slotsPrelude + `
local ttl = tonumber(ARGV[3])
local held = redis.call('ZCARD', KEYS[1])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or held < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl * 2)
  return {1, redis.call('ZCARD', KEYS[1])}
end
return {0, held}
`)

// renew: ARGV id, ttl ms. Returns 1 when the slot was held.
var renewScript = goredis.NewScript(slotsPrelude + `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl * 2)
return 1
`)

// Acquire takes a slot unless the account holds limit live ones.
func (s *Slots) Acquire(ctx context.Context, tenantID, account, id string, limit int, ttl time.Duration) (bool, int, error) {
	res, err := acquireScript.Run(ctx, s.c, []string{s.key(tenantID, account)}, id, limit, ttl.Milliseconds()).Int64Slice()
	if err != nil || len(res) != 2 {
		return false, 0, err
	}
	return res[0] == 1, int(res[1]), nil
}

// Renew extends a held slot.
func (s *Slots) Renew(ctx context.Context, tenantID, account, id string, ttl time.Duration) (bool, error) {
	n, err := renewScript.Run(ctx, s.c, []string{s.key(tenantID, account)}, id, ttl.Milliseconds()).Int()
	return n == 1, err
}

// Release frees a slot.
func (s *Slots) Release(ctx context.Context, tenantID, account, id string) error {
	return s.c.ZRem(ctx, s.key(tenantID, account), id).Err()
}

// ReleaseAll frees every slot of the account.
func (s *Slots) ReleaseAll(ctx context.Context, tenantID, account string) error {
	return s.c.Del(ctx, s.key(tenantID, account)).Err()
}
