// Package playback is members watching classes: starting a stream takes one of the account's
// stream slots (shared by every server, so the limit holds across them), heartbeats keep it and
// report the position, stopping frees it. Each playback session is a watch segment: the time
// actually watched (counted between heartbeats, never more than the gap allowed) and whether the
// class was completed feed viewing history, member activity and partner analytics.
package playback

import (
	"time"
)

// Session is one playback of a class on one device.
type Session struct {
	ID              string
	TenantID        string
	UserID          string
	ClassID         string
	Device          string
	StartedAt       time.Time
	LastBeatAt      time.Time
	EndedAt         *time.Time
	PositionSeconds int
	WatchedSeconds  int
	Completed       bool
	// Of the class, for history.
	ClassTitle      string
	CategoryName    string
	DurationSeconds int
	// MaxStreams is the account's stream limit when the session started (not stored).
	MaxStreams int
}

// CompletionShare is how much of a class makes it completed: reached by position or by time
// watched.
const CompletionShare = 0.9

// advance records a report at now with the position: the time since the last report counts as
// watched, up to maxGap (a client that went quiet longer was not watching all along).
func (s *Session) advance(now time.Time, position int, maxGap time.Duration) {
	gap := now.Sub(s.LastBeatAt)
	if gap > maxGap {
		gap = maxGap
	}
	if gap > 0 {
		s.WatchedSeconds += int(gap / time.Second)
	}
	if s.DurationSeconds > 0 {
		s.WatchedSeconds = min(s.WatchedSeconds, s.DurationSeconds*3) // rewatching counts, not forever
	}
	if position >= 0 {
		s.PositionSeconds = min(position, max(s.DurationSeconds, 0))
	}
	s.LastBeatAt = now
	limit := int(float64(s.DurationSeconds) * CompletionShare)
	if s.DurationSeconds > 0 && (s.PositionSeconds >= limit || s.WatchedSeconds >= limit) {
		s.Completed = true
	}
}
