package surface_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/ports"
)

func TestIdempotencyKeys(t *testing.T) {
	t.Parallel()
	e := setup(t)
	tenantA, keyA := e.tenant("idem-a")
	tenantB, keyB := e.tenant("idem-b")
	ann, bob := e.subscriber(tenantA, keyA, "ann@a.test"), e.subscriber(tenantA, keyA, "bob@a.test")
	cat := e.subscriber(tenantB, keyB, "cat@b.test")
	runs := func() int64 { return e.charges.runs.Load() }

	t.Run("replay: the same status, headers and body, run once", func(t *testing.T) {
		before := runs()
		first := e.charge(ann, "replay-1", `{"amount":100}`)
		require.Equal(t, http.StatusCreated, first.status, string(first.body))
		require.False(t, first.replayed())
		require.Equal(t, `"1"`, first.header.Get("ETag"))
		require.True(t, strings.HasPrefix(first.header.Get("Location"), "/charges/"))
		for range 3 {
			again := e.charge(ann, "replay-1", `{"amount":100}`)
			require.Equal(t, first.status, again.status)
			require.Equal(t, first.body, again.body, "byte for byte")
			for _, h := range []string{"ETag", "Location", "Content-Type", "Content-Length"} {
				require.Equal(t, first.header.Get(h), again.header.Get(h), h)
			}
			require.True(t, again.replayed())
			require.NotEqual(t, first.header.Get("X-Request-ID"), again.header.Get("X-Request-ID"), "each request keeps its own id")
		}
		require.Equal(t, before+1, runs(), "the handler ran once")
		require.Equal(t, 1, e.effects(ann), "one charge in the database")

		reused := e.charge(ann, "replay-1", `{"amount":101}`)
		require.Equal(t, http.StatusUnprocessableEntity, reused.status, string(reused.body))
		require.Equal(t, ports.CodeIdempotencyKeyReused, reused.code())
		require.Equal(t, before+1, runs())
	})

	t.Run("bad keys name the header", func(t *testing.T) {
		before := runs()
		for _, key := range []string{strings.Repeat("k", 256), "clé", "tab\there"} {
			r := e.charge(ann, key, `{"amount":1}`)
			require.Equal(t, http.StatusUnprocessableEntity, r.status, string(r.body))
			require.Equal(t, "IDEMPOTENCY_KEY_INVALID", r.code())
			require.Contains(t, string(r.body), `"field":"header.Idempotency-Key"`)
		}
		r := e.charge(ann, "", `{"amount":1}`, surface.IdempotencyHeader, "")
		require.Equal(t, http.StatusUnprocessableEntity, r.status, "an empty key is refused, not ignored")
		require.Equal(t, 201, e.charge(ann, strings.Repeat("k", 255), `{"amount":1}`).status)
		require.Equal(t, 201, e.charge(ann, "a key with spaces and ~!@#$%^&*()", `{"amount":1}`).status)
		require.Equal(t, before+2, runs())
	})

	t.Run("without a key every request runs", func(t *testing.T) {
		before, had := runs(), e.effects(bob)
		require.Equal(t, 201, e.charge(bob, "", `{"amount":7}`).status)
		require.Equal(t, 201, e.charge(bob, "", `{"amount":7}`).status)
		require.Equal(t, before+2, runs())
		require.Equal(t, had+2, e.effects(bob))
	})

	t.Run("a 4xx the operation answered is kept with its changes", func(t *testing.T) {
		before, had := runs(), e.effects(ann)
		first := e.charge(ann, "declined", `{"amount":402}`)
		require.Equal(t, http.StatusUnprocessableEntity, first.status, string(first.body))
		require.Equal(t, "CARD_DECLINED", first.code())
		again := e.charge(ann, "declined", `{"amount":402}`)
		require.Equal(t, first.body, again.body, "replayed, request id included")
		require.True(t, again.replayed())
		require.Equal(t, before+1, runs())
		require.Equal(t, had+1, e.effects(ann), "what the operation committed while refusing stays, once")
	})

	t.Run("invalid input is not kept: a corrected request may use the key", func(t *testing.T) {
		before := runs()
		bad := e.charge(ann, "fix-me", `{"amount":0}`)
		require.Equal(t, http.StatusUnprocessableEntity, bad.status, string(bad.body))
		require.Equal(t, "VALIDATION_FAILED", bad.code())
		require.Equal(t, before, runs(), "the handler did not run")
		good := e.charge(ann, "fix-me", `{"amount":5}`)
		require.Equal(t, http.StatusCreated, good.status, string(good.body))
		require.Equal(t, before+1, runs())
	})

	t.Run("a 5xx is not kept: its changes roll back and a retry runs", func(t *testing.T) {
		before, had := runs(), e.effects(ann)
		failed := e.charge(ann, "flaky", `{"amount":9}`, "X-Test-Fail", "true")
		require.Equal(t, http.StatusInternalServerError, failed.status, string(failed.body))
		require.Equal(t, had, e.effects(ann), "the failed run's write rolled back")
		retry := e.charge(ann, "flaky", `{"amount":9}`)
		require.Equal(t, http.StatusCreated, retry.status, string(retry.body))
		require.False(t, retry.replayed())
		replay := e.charge(ann, "flaky", `{"amount":9}`, "X-Test-Fail", "true")
		require.Equal(t, retry.body, replay.body, "the success is kept now")
		require.Equal(t, before+2, runs())
		require.Equal(t, had+1, e.effects(ann))

		panicked := e.charge(ann, "panics", `{"amount":9}`, "X-Test-Panic", "true")
		require.Equal(t, http.StatusInternalServerError, panicked.status)
		require.Equal(t, http.StatusCreated, e.charge(ann, "panics", `{"amount":9}`).status, "a panic frees the key at once")
		require.Equal(t, had+2, e.effects(ann))
	})

	t.Run("concurrent requests with one key: one runs", func(t *testing.T) {
		const n = 8
		before, had := runs(), e.effects(bob)
		var (
			wg      sync.WaitGroup
			start   = make(chan struct{})
			replies = make([]reply, n)
		)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				replies[i] = e.charge(bob, "race", `{"amount":50}`, "X-Test-Hold-Ms", "400")
			}()
		}
		close(start)
		wg.Wait()
		var created, inUse, replayed int
		var body []byte
		for _, r := range replies {
			switch {
			case r.status == http.StatusCreated && !r.replayed():
				created++
				body = r.body
			case r.status == http.StatusCreated:
				replayed++
			case r.status == http.StatusConflict:
				require.Equal(t, ports.CodeIdempotencyKeyInUse, r.code())
				require.Equal(t, "1", r.header.Get("Retry-After"))
				inUse++
			default:
				t.Fatalf("unexpected answer %d: %s", r.status, r.body)
			}
		}
		require.Equal(t, 1, created, "exactly one request ran")
		require.Equal(t, n-1, inUse+replayed)
		require.Positive(t, inUse, "the others arrived while it ran")
		require.Equal(t, before+1, runs())
		require.Equal(t, had+1, e.effects(bob), "no double effect")
		after := e.charge(bob, "race", `{"amount":50}`)
		require.Equal(t, body, after.body)
		require.True(t, after.replayed())
	})

	t.Run("a claim left by a dead process is taken over after its lease", func(t *testing.T) {
		body := `{"amount":60}`
		call := func(key string) ports.IdempotentCall {
			return ports.IdempotentCall{TenantID: ann.tenantID, Subject: ann.subject, Operation: "create-charge", Key: key,
				Fingerprint: ports.Fingerprint(http.MethodPost, "/charges", []byte(body))}
		}
		claimAt := func(key string, at time.Time) {
			_, err := e.store.Claim(context.Background(), call(key), ports.IdempotencyTerms{Now: at,
				Lease: surface.IdempotencyLease, Retain: surface.IdempotencyRetention})
			require.NoError(t, err)
		}
		claimAt("crashed-now", time.Now()) // a process holding it died a moment ago
		r := e.charge(ann, "crashed-now", body)
		require.Equal(t, http.StatusConflict, r.status, "within the lease the key is still held")
		require.Equal(t, ports.CodeIdempotencyKeyInUse, r.code())

		claimAt("crashed-long-ago", time.Now().Add(-surface.IdempotencyLease-time.Second))
		before := runs()
		r = e.charge(ann, "crashed-long-ago", body)
		require.Equal(t, http.StatusCreated, r.status, string(r.body))
		require.Equal(t, before+1, runs())
		require.True(t, e.charge(ann, "crashed-long-ago", body).replayed())
	})

	t.Run("keys are per caller and per tenant", func(t *testing.T) {
		body := `{"amount":77}`
		mine := e.charge(ann, "shared-key", body)
		require.Equal(t, http.StatusCreated, mine.status, string(mine.body))
		for _, other := range []caller{bob, cat} {
			r := e.charge(other, "shared-key", body)
			require.Equal(t, http.StatusCreated, r.status, string(r.body))
			require.False(t, r.replayed(), "another caller's key is not this caller's")
			require.NotEqual(t, mine.body, r.body)
			again := e.charge(other, "shared-key", body)
			require.Equal(t, r.body, again.body, "each replays its own")
		}
		require.Equal(t, mine.body, e.charge(ann, "shared-key", body).body)
		require.Equal(t, 1, e.effects(cat), "tenant B's one charge")
		require.Equal(t, tenantB, cat.tenantID)
	})

	t.Run("the OpenAPI document describes the header", func(t *testing.T) {
		r := e.do(http.MethodGet, "/openapi/idemtest.json", "")
		require.Equal(t, http.StatusOK, r.status)
		var doc struct {
			Paths map[string]map[string]struct {
				Parameters []struct {
					Name, In string
					Schema   struct {
						MaxLength int `json:"maxLength"`
					}
				}
				Responses map[string]struct {
					Headers map[string]any
				}
			}
		}
		require.NoError(t, json.NewDecoder(bytes.NewReader(r.body)).Decode(&doc))
		op := doc.Paths["/charges"]["post"]
		var found bool
		for _, p := range op.Parameters {
			if p.Name == surface.IdempotencyHeader {
				found = p.In == "header" && p.Schema.MaxLength == 255
			}
		}
		require.True(t, found, "the Idempotency-Key header parameter")
		require.Contains(t, op.Responses, "409")
		require.Contains(t, op.Responses, "422")
		require.Contains(t, op.Responses["201"].Headers, surface.ReplayedHeader)
	})
}
