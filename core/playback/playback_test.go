package playback

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestWatchedTimeAndCompletion(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	s := Session{LastBeatAt: t0, DurationSeconds: 600}
	s.advance(t0.Add(30*time.Second), 30, 90*time.Second)
	require.Equal(t, 30, s.WatchedSeconds)
	require.False(t, s.Completed)
	s.advance(t0.Add(30*time.Minute), 60, 90*time.Second)
	require.Equal(t, 120, s.WatchedSeconds, "a silence longer than the slot's life counts only up to it")
	s.advance(t0.Add(30*time.Minute), 9999, 90*time.Second)
	require.Equal(t, 600, s.PositionSeconds, "the position stays within the class")
	require.True(t, s.Completed, "90 % reached by position")

	w := Session{LastBeatAt: t0, DurationSeconds: 100}
	for i := 1; i <= 10; i++ {
		w.advance(t0.Add(time.Duration(i*10)*time.Second), 0, 90*time.Second)
	}
	require.Equal(t, 100, w.WatchedSeconds)
	require.True(t, w.Completed, "90 % reached by time watched, even rewinding")
	back := Session{LastBeatAt: t0.Add(time.Minute), DurationSeconds: 100}
	back.advance(t0, 5, 90*time.Second)
	require.Zero(t, back.WatchedSeconds, "a report from before the last one adds nothing")
}
