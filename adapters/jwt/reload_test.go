package jwt

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func (m *memKeys) setFail(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fail = err
}

// syncBuffer collects log lines written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) count(s string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.b.String(), s)
}

// TestReloadFailuresAreReportedOnce: when the store stops answering, the keys held go on
// signing, and the failure is logged once, not per request; so is the recovery.
func TestReloadFailuresAreReportedOnce(t *testing.T) {
	t.Parallel()
	ctx, clock, store, logs := context.Background(), &fixedClock{t: time.Now()}, &memKeys{}, &syncBuffer{}
	s, err := New(ctx, store, "i", "", clock, WithLogger(slog.New(slog.NewJSONHandler(logs, nil))))
	require.NoError(t, err)
	kid := store.keys[0].KID
	other, err := New(ctx, &memKeys{}, "i", "", clock) // signs with a key s cannot know
	require.NoError(t, err)
	unknown, err := other.Sign(ctx, sample(clock.t))
	require.NoError(t, err)

	store.setFail(errors.New("store down"))
	for range 3 {
		clock.t = clock.t.Add(RefreshEvery)
		tok, err := s.Sign(ctx, sample(clock.t))
		require.NoError(t, err, "the key held signs")
		require.Contains(t, header(t, tok), kid)
		_, err = s.Verify(ctx, unknown, "platform")
		require.Error(t, err)
	}
	require.Equal(t, 1, logs.count(`"level":"ERROR"`), logs.b.String())
	require.Equal(t, 1, logs.count("store down"))

	store.setFail(nil)
	for range 2 {
		clock.t = clock.t.Add(RefreshEvery)
		_, err := s.Sign(ctx, sample(clock.t))
		require.NoError(t, err)
	}
	require.Equal(t, 1, logs.count("reloaded again"))
	require.Equal(t, 1, logs.count(`"level":"ERROR"`))
}

// TestBackgroundRefresh: the refresher brings another process's rotation in without any request
// reloading (the clock does not move), and stops with its context.
func TestBackgroundRefresh(t *testing.T) {
	t.Parallel()
	ctx, clock, store := context.Background(), &fixedClock{t: time.Now()}, &memKeys{}
	s, err := New(ctx, store, "i", "", clock)
	require.NoError(t, err)
	other, err := New(ctx, store, "i", "", clock)
	require.NoError(t, err)
	rotated, err := other.Rotate(ctx)
	require.NoError(t, err)
	tok, err := s.Sign(ctx, sample(clock.t))
	require.NoError(t, err)
	require.NotContains(t, header(t, tok), rotated, "nothing reloaded yet")

	runCtx, stop := context.WithCancel(ctx)
	ticks, done := make(chan time.Time), make(chan struct{})
	go func() {
		defer close(done)
		s.run(runCtx, ticks)
	}()
	ticks <- time.Now()
	ticks <- time.Now() // taken once the first refresh is over
	tok, err = s.Sign(ctx, sample(clock.t))
	require.NoError(t, err)
	require.Contains(t, header(t, tok), rotated)
	stop()
	<-done
}

// TestRequestsDoNotWaitForAReload: while one caller reloads, the others sign with the keys held.
func TestRequestsDoNotWaitForAReload(t *testing.T) {
	t.Parallel()
	ctx, clock, store := context.Background(), &fixedClock{t: time.Now()}, &memKeys{}
	s, err := New(ctx, store, "i", "", clock)
	require.NoError(t, err)
	other, err := New(ctx, store, "i", "", clock)
	require.NoError(t, err)
	rotated, err := other.Rotate(ctx)
	require.NoError(t, err)
	clock.t = clock.t.Add(RefreshEvery)

	s.reloading.Lock() // a reload under way
	tok, err := s.Sign(ctx, sample(clock.t))
	require.NoError(t, err)
	require.NotContains(t, header(t, tok), rotated, "signed at once with the key held")
	s.reloading.Unlock()
	tok, err = s.Sign(ctx, sample(clock.t))
	require.NoError(t, err)
	require.Contains(t, header(t, tok), rotated)
}
