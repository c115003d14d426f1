package redis

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/stvos/stvos/ports"
)

// checkScript runs the checks of one hash slot atomically: GCRA rate limits, revocation lookups
// and generation reads (see check.lua).
//
//go:embed check.lua
var checkSource string

var checkScript = goredis.NewScript(checkSource)

// The operations of check.lua.
const (
	opLimit  = "L"
	opPeek   = "P"
	opExists = "E"
	opGet    = "G"
)

// op is one key and what to do with it.
type op struct {
	kind  string
	key   string
	limit ports.Limit
}

// Checker runs checks against Redis in one round trip: the operations are grouped by hash slot,
// one script call per slot, all sent in one pipeline. It implements ports.RateLimiter,
// ports.Admission, ports.Changes and ports.Failures.
type Checker struct {
	c goredis.UniversalClient
	// s sends script calls: the client, or its autopipeliner, which writes the calls of
	// concurrent requests to Redis together (one system call for many requests).
	s       goredis.Scripter
	cluster bool
	prefix  string
	log     *slog.Logger
}

var (
	_ ports.RateLimiter = (*Checker)(nil)
	_ ports.Admission   = (*Checker)(nil)
	_ ports.Changes     = (*Checker)(nil)
	_ ports.Failures    = (*Checker)(nil)
)

// NewChecker returns a checker whose keys all start with prefix (so tests, or two deployments
// sharing a Redis, stay apart). Log hears of announcements that could not be made (nil: the
// default logger).
func NewChecker(c goredis.UniversalClient, prefix string, log *slog.Logger) *Checker {
	if log == nil {
		log = slog.Default()
	}
	_, cluster := c.(*goredis.ClusterClient)
	return &Checker{c: c, s: c, cluster: cluster, prefix: prefix, log: log}
}

// Batched makes the checker send the script calls of concurrent requests together through
// go-redis's autopipeliner (marked experimental upstream): one write and one read for many
// requests, so under load the request path pays a fraction of a system call for Redis instead of
// two. A batch that fails on a network error is retried whole, so a request may then be counted
// twice against its limits: acceptable for rate limits, and the checks read nothing else that
// changes. Batched calls run on the pipeliner's context, outside the request's trace, so a
// traced process does not batch. Clusters are not batched.
func (c *Checker) Batched() *Checker {
	if single, ok := c.c.(*goredis.Client); ok {
		if ap, err := single.AutoPipeline(); err == nil {
			c.s = ap
		}
	}
	return c
}

func (c *Checker) generationKey(tenantID string) string { return c.prefix + "gen:{" + tenantID + "}" }

// Allow counts one event against key.
func (c *Checker) Allow(ctx context.Context, key string, limit ports.Limit) (ports.Decision, error) {
	if limit.IsZero() {
		return unlimited(limit), nil
	}
	res, err := c.run(ctx, []op{{kind: opLimit, key: c.prefix + key, limit: limit}})
	if err != nil {
		return ports.Decision{}, fmt.Errorf("redis: rate limit: %w", err)
	}
	return decision(res[0], limit)
}

// Check tells whether one more failure would be allowed under every limit, counting nothing.
func (c *Checker) Check(ctx context.Context, limits []ports.KeyedLimit) (ports.Decision, error) {
	ds, err := c.limits(ctx, opPeek, limits)
	if err != nil {
		return ports.Decision{}, fmt.Errorf("redis: failures: %w", err)
	}
	return ports.Tightest(ds), nil
}

// Fail counts one failure against every limit.
func (c *Checker) Fail(ctx context.Context, limits []ports.KeyedLimit) error {
	if _, err := c.limits(ctx, opLimit, limits); err != nil {
		return fmt.Errorf("redis: failures: %w", err)
	}
	return nil
}

// Clear forgets the failures counted under key.
func (c *Checker) Clear(ctx context.Context, key string) error {
	if err := c.c.Del(ctx, c.prefix+key).Err(); err != nil {
		return fmt.Errorf("redis: failures: %w", err)
	}
	return nil
}

func (c *Checker) limits(ctx context.Context, kind string, limits []ports.KeyedLimit) ([]ports.Decision, error) {
	ops := make([]op, 0, len(limits))
	for _, l := range limits {
		if !l.Limit.IsZero() {
			ops = append(ops, op{kind: kind, key: c.prefix + l.Key, limit: l.Limit})
		}
	}
	res, err := c.run(ctx, ops)
	if err != nil {
		return nil, err
	}
	out := make([]ports.Decision, 0, len(limits))
	i := 0
	for _, l := range limits {
		if l.Limit.IsZero() {
			out = append(out, unlimited(l.Limit))
			continue
		}
		d, err := decision(res[i], l.Limit)
		if err != nil {
			return nil, err
		}
		out, i = append(out, d), i+1
	}
	return out, nil
}

// Admit answers the query in one round trip.
func (c *Checker) Admit(ctx context.Context, q ports.AdmissionQuery) (ports.AdmissionAnswer, error) {
	ops := make([]op, 0, len(q.Limits)+2)
	for _, l := range q.Limits {
		if !l.Limit.IsZero() {
			ops = append(ops, op{kind: opLimit, key: c.prefix + l.Key, limit: l.Limit})
		}
	}
	if q.SessionID != "" {
		ops = append(ops, op{kind: opExists, key: revokedKey(c.prefix, q.SessionID)})
	}
	if q.TenantID != "" {
		ops = append(ops, op{kind: opGet, key: c.generationKey(q.TenantID)})
	}
	ans := ports.AdmissionAnswer{Decisions: make([]ports.Decision, len(q.Limits))}
	res, err := c.run(ctx, ops)
	if err != nil {
		return ans, fmt.Errorf("redis: admission: %w", err)
	}
	i := 0
	for n, l := range q.Limits {
		if l.Limit.IsZero() {
			ans.Decisions[n] = unlimited(l.Limit)
			continue
		}
		if ans.Decisions[n], err = decision(res[i], l.Limit); err != nil {
			return ans, err
		}
		i++
	}
	if q.SessionID != "" {
		ans.Revoked = res[i][0] == "1"
		i++
	}
	if q.TenantID != "" {
		if ans.Generation, err = strconv.ParseInt(res[i][0], 10, 64); err != nil {
			return ans, fmt.Errorf("redis: generation %q: %w", res[i][0], err)
		}
	}
	return ans, nil
}

// Changed advances the tenant's change generation, trying twice; a failure is logged (see
// ports.Changes).
func (c *Checker) Changed(ctx context.Context, tenantID string) {
	ctx = context.WithoutCancel(ctx) // the change has committed: announce it even if the caller left
	err := c.c.Incr(ctx, c.generationKey(tenantID)).Err()
	if err != nil {
		err = c.c.Incr(ctx, c.generationKey(tenantID)).Err()
	}
	if err != nil {
		c.log.ErrorContext(ctx, "could not announce a tenant change; other processes see it within a minute",
			"tenant_id", tenantID, "error", err.Error())
	}
}

// run executes ops and returns each op's result fields, in order. A single Redis runs them all in
// one script call; on a Redis Cluster, which runs a script only on keys of one slot, they are
// grouped by hash slot, and the groups go out in one pipeline.
func (c *Checker) run(ctx context.Context, ops []op) ([][]string, error) {
	if len(ops) == 0 {
		return nil, nil
	}
	if !c.cluster {
		return c.runOne(ctx, ops)
	}
	var (
		tags   []string
		groups = map[string][]int{}
	)
	for i, o := range ops {
		t := hashTag(o.key)
		if _, ok := groups[t]; !ok {
			tags = append(tags, t)
		}
		groups[t] = append(groups[t], i)
	}
	// args of one slot's script call: four per key (operation, rate, burst, period in seconds).
	call := func(t string) ([]string, []any) {
		keys := make([]string, 0, len(groups[t]))
		args := make([]any, 0, 4*len(groups[t]))
		for _, i := range groups[t] {
			o := ops[i]
			keys = append(keys, o.key)
			args = append(args, o.kind, o.limit.Rate, burstOf(o.limit), o.limit.Period.Seconds())
		}
		return keys, args
	}
	cmds := make([]*goredis.Cmd, len(tags))
	if err := c.pipeline(ctx, tags, call, cmds); err != nil {
		return nil, err
	}
	out := make([][]string, len(ops))
	for g, t := range tags {
		vals, err := cmds[g].StringSlice()
		if err != nil {
			return nil, err
		}
		if len(vals) != 4*len(groups[t]) {
			return nil, errors.New("check script answered an unexpected shape")
		}
		for n, i := range groups[t] {
			out[i] = vals[4*n : 4*n+4]
		}
	}
	return out, nil
}

// runOne runs every op in one script call: a single Redis has no slots to respect. It is the
// request path's common case, so it builds no groups.
func (c *Checker) runOne(ctx context.Context, ops []op) ([][]string, error) {
	keys := make([]string, len(ops))
	args := make([]any, 0, 4*len(ops))
	for i, o := range ops {
		keys[i] = o.key
		args = append(args, o.kind, o.limit.Rate, burstOf(o.limit), o.limit.Period.Seconds())
	}
	vals, err := checkScript.Run(ctx, c.s, keys, args...).StringSlice()
	if err != nil {
		return nil, err
	}
	if len(vals) != 4*len(ops) {
		return nil, errors.New("check script answered an unexpected shape")
	}
	out := make([][]string, len(ops))
	for i := range ops {
		out[i] = vals[4*i : 4*i+4]
	}
	return out, nil
}

// pipeline sends one script call per slot group in one pipeline.
func (c *Checker) pipeline(ctx context.Context, tags []string, call func(string) ([]string, []any), cmds []*goredis.Cmd) error {
	_, err := c.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for g, t := range tags {
			keys, args := call(t)
			cmds[g] = checkScript.EvalSha(ctx, p, keys, args...)
		}
		return nil
	})
	if err != nil && goredis.HasErrorPrefix(err, "NOSCRIPT") {
		// A server that does not know the script yet (first use, or after a restart) ran
		// nothing for that call: send those calls again with the script's text.
		_, err = c.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
			for g, t := range tags {
				if cmds[g].Err() != nil && goredis.HasErrorPrefix(cmds[g].Err(), "NOSCRIPT") {
					keys, args := call(t)
					cmds[g] = checkScript.Eval(ctx, p, keys, args...)
				}
			}
			return nil
		})
	}
	return err
}

// hashTag returns what Redis Cluster hashes for key: the text between the first { and the next
// }, when not empty, else the whole key.
func hashTag(key string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			return key[i+1 : i+1+j]
		}
	}
	return key
}

func burstOf(l ports.Limit) int {
	if l.Burst <= 0 {
		return l.Rate
	}
	return l.Burst
}

func unlimited(l ports.Limit) ports.Decision {
	return ports.Decision{Allowed: true, Limit: l, Remaining: -1}
}

// decision reads a limit's result fields: allowed, remaining, retry after and reset after (s).
func decision(f []string, l ports.Limit) (ports.Decision, error) {
	remaining, err1 := strconv.Atoi(f[1])
	retry, err2 := strconv.ParseFloat(f[2], 64)
	reset, err3 := strconv.ParseFloat(f[3], 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return ports.Decision{}, fmt.Errorf("redis: limit answer %v: %w", f, err)
	}
	d := ports.Decision{Allowed: f[0] == "1", Limit: l, Remaining: remaining, ResetAfter: seconds(reset)}
	if !d.Allowed {
		d.RetryAfter = seconds(retry)
	}
	return d, nil
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
