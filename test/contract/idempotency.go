package contract

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// IdempotencyEnv is what the idempotency suite needs beside the store: tenants, and an effect an
// operation makes in the database with a count of it, to see what commits with an answer.
type IdempotencyEnv struct {
	Tenants
	// Effect writes the row id of the tenant in a unit of work it begins (which joins the call's);
	// writing an id twice fails with a statement the database refuses.
	Effect func(ctx context.Context, tenantID, id string) error
	// Effects counts the rows of the tenant that Effect wrote and that committed.
	Effects func(t *testing.T, tenantID string) int
}

// Idempotency checks ports.Idempotency: a key claimed once, refused while running (in use) and
// for another request (reused); an answer saved with the operation's changes, replayed exactly,
// and kept for its retention only; a run not kept rolls back and frees the key; the units of work
// inside a run each commit or roll back as they would alone; a claim past its lease is taken over
// and its holder can no longer commit; release and purge; keys scoped by caller and operation; and
// a cross-tenant section (B neither sees, answers, releases nor purges A's keys).
func Idempotency(t *testing.T, env IdempotencyEnv, store ports.Idempotency) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	at := func(d time.Duration) ports.IdempotencyTerms {
		return ports.IdempotencyTerms{Now: now.Add(d), Lease: time.Minute, Retain: 24 * time.Hour}
	}
	call := func(tenantID, key string) ports.IdempotentCall {
		return ports.IdempotentCall{TenantID: tenantID, Subject: "user-1", Operation: "create-charge", Key: key,
			Fingerprint: ports.Fingerprint("POST", "/charges", []byte(`{"amount":100}`))}
	}
	answer := ports.IdempotentAnswer{Status: 201, Body: []byte(`{"id":"ch_1","amount":100}`), Header: map[string][]string{
		"Content-Type": {"application/json"}, "Etag": {`"1"`}, "Location": {"/charges/ch_1"}, "Link": {"<a>", "<b>"}}}
	claim := func(t *testing.T, c ports.IdempotentCall, terms ports.IdempotencyTerms) ports.IdempotencyClaim {
		t.Helper()
		got, err := store.Claim(ctx, c, terms)
		require.NoError(t, err)
		require.NotEmpty(t, got.Token, "the key is claimed")
		require.Nil(t, got.Answer)
		return got
	}
	refused := func(t *testing.T, c ports.IdempotentCall, terms ports.IdempotencyTerms, kind error, code string) {
		t.Helper()
		_, err := store.Claim(ctx, c, terms)
		require.ErrorIs(t, err, kind)
		require.Equal(t, code, ports.AsError(err).Code)
	}
	replayed := func(t *testing.T, c ports.IdempotentCall, terms ports.IdempotencyTerms) ports.IdempotentAnswer {
		t.Helper()
		got, err := store.Claim(ctx, c, terms)
		require.NoError(t, err)
		require.Empty(t, got.Token, "an answered key is not claimed again")
		require.NotNil(t, got.Answer)
		return *got.Answer
	}
	effect := func(t *testing.T, ctx context.Context, tenantID string) {
		t.Helper()
		require.NoError(t, env.Effect(ctx, tenantID, ports.NewID()))
	}
	run := func(t *testing.T, c ports.IdempotencyClaim, a ports.IdempotentAnswer) error {
		t.Helper()
		return store.Run(ctx, c, func(ctx context.Context) (ports.IdempotentAnswer, bool) {
			effect(t, ctx, c.Call.TenantID)
			return a, true
		})
	}

	t.Run("claim, answer, replay", func(t *testing.T) {
		a := env.New(t)
		c := call(a, "key-1")
		first := claim(t, c, at(0))
		refused(t, c, at(time.Second), ports.ErrConflict, ports.CodeIdempotencyKeyInUse)
		other := c
		other.Fingerprint = ports.Fingerprint("POST", "/charges", []byte(`{"amount":200}`))
		refused(t, other, at(time.Second), ports.ErrInvalid, ports.CodeIdempotencyKeyReused)

		require.NoError(t, run(t, first, answer))
		require.Equal(t, 1, env.Effects(t, a))
		require.Equal(t, answer, replayed(t, c, at(time.Hour)), "status, every header and the body, exactly")
		require.Equal(t, answer, replayed(t, c, at(23*time.Hour)))
		refused(t, other, at(time.Hour), ports.ErrInvalid, ports.CodeIdempotencyKeyReused)

		again := claim(t, c, at(24*time.Hour+time.Second)) // the answer expired: a new call
		require.NotEqual(t, first.Token, again.Token)
		require.NoError(t, store.Release(ctx, again))

		empty := call(a, "key-empty")
		e := claim(t, empty, at(0))
		require.NoError(t, store.Run(ctx, e, func(context.Context) (ports.IdempotentAnswer, bool) {
			return ports.IdempotentAnswer{Status: 204}, true
		}))
		got := replayed(t, empty, at(time.Minute))
		require.Equal(t, 204, got.Status)
		require.Empty(t, got.Body)
		require.Empty(t, got.Header)
	})

	t.Run("a run not kept rolls back and frees the key", func(t *testing.T) {
		a := env.New(t)
		c := call(a, "key-1")
		first := claim(t, c, at(0))
		require.NoError(t, store.Run(ctx, first, func(ctx context.Context) (ports.IdempotentAnswer, bool) {
			effect(t, ctx, a)
			return ports.IdempotentAnswer{Status: 500, Body: []byte(`{}`)}, false
		}))
		require.Zero(t, env.Effects(t, a), "nothing the run wrote stays")
		second := claim(t, c, at(time.Second)) // at once, not after the lease
		require.NoError(t, run(t, second, answer))
		require.Equal(t, 1, env.Effects(t, a))
		require.Equal(t, answer, replayed(t, c, at(time.Minute)))
	})

	t.Run("units of work inside a run commit or roll back as alone", func(t *testing.T) {
		a, b := env.New(t), env.New(t)
		c := call(a, "key-1")
		first := claim(t, c, at(0))
		boom := errors.New("boom")
		require.NoError(t, store.Run(ctx, first, func(ctx context.Context) (ports.IdempotentAnswer, bool) {
			err := env.UnitOfWork.Do(ctx, ports.TenantScope(a), func(ctx context.Context) error {
				effect(t, ctx, a)
				return boom
			})
			require.ErrorIs(t, err, boom)
			id := ports.NewID()
			err = env.UnitOfWork.Do(ctx, ports.TenantScope(a), func(ctx context.Context) error {
				require.NoError(t, env.Effect(ctx, a, id))
				return env.Effect(ctx, a, id)
			})
			require.Error(t, err, "a statement the database refuses fails its unit of work only")
			require.NoError(t, env.UnitOfWork.Read(ctx, ports.TenantScope(a), func(context.Context) error { return nil }))
			effect(t, ctx, a)
			err = env.UnitOfWork.Do(ctx, ports.TenantScope(b), func(context.Context) error { return nil })
			require.ErrorIs(t, err, ports.ErrForbidden, "a run stays in its tenant")
			return ports.IdempotentAnswer{Status: 422, Body: []byte(`{"code":"DECLINED"}`)}, true
		}))
		require.Equal(t, 1, env.Effects(t, a), "only the unit of work that succeeded committed, with the answer")
		require.Equal(t, 422, replayed(t, c, at(time.Minute)).Status)

		err := env.UnitOfWork.Do(ctx, ports.TenantScope(a), func(ctx context.Context) error {
			return store.Run(ctx, claim(t, call(a, "key-2"), at(0)), func(context.Context) (ports.IdempotentAnswer, bool) {
				return answer, true
			})
		})
		require.Error(t, err, "a run cannot begin inside a unit of work")
	})

	t.Run("a claim past its lease is taken over", func(t *testing.T) {
		a := env.New(t)
		c := call(a, "key-1")
		first := claim(t, c, at(0))
		refused(t, c, at(59*time.Second), ports.ErrConflict, ports.CodeIdempotencyKeyInUse)
		second := claim(t, c, at(61*time.Second)) // the first holder died, or is too slow
		require.NotEqual(t, first.Token, second.Token)

		err := run(t, first, ports.IdempotentAnswer{Status: 201, Body: []byte(`{"late":true}`)})
		require.ErrorIs(t, err, ports.ErrConflict, "a holder whose claim was taken over cannot commit")
		require.Equal(t, ports.CodeIdempotencyKeyInUse, ports.AsError(err).Code)
		require.Zero(t, env.Effects(t, a), "and its changes rolled back")

		require.NoError(t, run(t, second, answer))
		require.Equal(t, 1, env.Effects(t, a))
		require.Equal(t, answer, replayed(t, c, at(2*time.Minute)))
		require.Equal(t, answer, replayed(t, c, at(10*time.Minute)), "an answered key has no lease to run out")
	})

	t.Run("release", func(t *testing.T) {
		a := env.New(t)
		c := call(a, "key-1")
		first := claim(t, c, at(0))
		require.NoError(t, store.Release(ctx, first))
		second := claim(t, c, at(time.Second))
		require.NoError(t, store.Release(ctx, first), "a stale claim releases nothing")
		refused(t, c, at(2*time.Second), ports.ErrConflict, ports.CodeIdempotencyKeyInUse)
		require.NoError(t, run(t, second, answer))
		require.NoError(t, store.Release(ctx, second), "an answered key stays")
		require.Equal(t, answer, replayed(t, c, at(time.Minute)))
	})

	t.Run("keys are per caller and per operation", func(t *testing.T) {
		a := env.New(t)
		c := call(a, "shared")
		otherUser, otherOp := c, c
		otherUser.Subject, otherOp.Operation = "user-2", "redeem-gift-card"
		answers := map[*ports.IdempotentCall]ports.IdempotentAnswer{
			&c: answer, &otherUser: {Status: 201, Body: []byte(`{"user":2}`), Header: map[string][]string{}},
			&otherOp: {Status: 409, Body: []byte(`{"code":"ALREADY_REDEEMED"}`), Header: map[string][]string{}},
		}
		for k, ans := range answers {
			require.NoError(t, run(t, claim(t, *k, at(0)), ans))
		}
		require.Equal(t, 3, env.Effects(t, a))
		for k, ans := range answers {
			require.Equal(t, ans, replayed(t, *k, at(time.Minute)))
		}
	})

	t.Run("purge", func(t *testing.T) {
		a := env.New(t)
		old, recent, running := call(a, "old"), call(a, "recent"), call(a, "running")
		require.NoError(t, run(t, claim(t, old, at(0)), answer))
		require.NoError(t, run(t, claim(t, recent, at(12*time.Hour)), answer))
		claim(t, running, at(23*time.Hour))
		n, err := store.Purge(ctx, a, now.Add(24*time.Hour+time.Second))
		require.NoError(t, err)
		require.Equal(t, 1, n, "only the expired answer")
		require.NoError(t, store.Release(ctx, claim(t, old, at(24*time.Hour+2*time.Second))))
		require.Equal(t, answer, replayed(t, recent, at(24*time.Hour+2*time.Second)))
		refused(t, running, at(23*time.Hour+time.Second), ports.ErrConflict, ports.CodeIdempotencyKeyInUse)
	})

	t.Run("cross-tenant", func(t *testing.T) {
		a, b := env.New(t), env.New(t)
		ca, cb := call(a, "same"), call(b, "same")
		held := call(a, "held")
		require.NoError(t, run(t, claim(t, ca, at(0)), answer))
		heldClaim := claim(t, held, at(0))

		fromB := claim(t, cb, at(time.Second)) // B's identical call is B's own: A's answer is not B's
		bAnswer := ports.IdempotentAnswer{Status: 201, Body: []byte(`{"id":"ch_b"}`), Header: map[string][]string{}}
		require.NoError(t, run(t, fromB, bAnswer))
		require.Equal(t, 1, env.Effects(t, a))
		require.Equal(t, 1, env.Effects(t, b))

		stolen := heldClaim
		stolen.Call.TenantID = b
		require.NoError(t, store.Release(ctx, stolen))
		require.Error(t, run(t, stolen, answer), "B cannot answer A's claim")
		n, err := store.Purge(ctx, b, now.Add(100*time.Hour))
		require.NoError(t, err)
		require.Equal(t, 1, n, "B purges its own key only")

		require.Equal(t, answer, replayed(t, ca, at(time.Minute)))
		refused(t, held, at(time.Second), ports.ErrConflict, ports.CodeIdempotencyKeyInUse)
		require.Equal(t, 1, env.Effects(t, a))
		require.Equal(t, 1, env.Effects(t, b), "B's failed run left nothing")
	})
}
