// Package member is a partner's view of the people who joined it with its voucher codes: who
// they are, how much they watch, and whether they are active. "Active" is defined here, once,
// and every report that counts active members (the members list, the dashboard, analytics and
// billing) asks this package for it.
package member

import (
	"time"
)

// MinActiveSeconds is how much a member must watch in a period to be active in it.
const MinActiveSeconds = 60

// ActiveDays is the period of "active" when none is named: the last 30 days, today included,
// as UTC calendar days (the analytics' "month" period is the same 30 days).
const ActiveDays = 30

// ActiveDefinition states the rule for API documentation.
const ActiveDefinition = "A member is active in a period when they watched at least one minute of classes in it " +
	"(summed over their playback sessions started in the period); where no period is named, the last 30 days: " +
	"today and the 29 days before it, as UTC calendar days."

// Activity is the rule applied to one period, [From, To).
type Activity struct {
	From, To   time.Time
	MinSeconds int
}

// ActiveIn is the rule for the period.
func ActiveIn(from, to time.Time) Activity {
	return Activity{From: from, To: to, MinSeconds: MinActiveSeconds}
}

// ActiveNow is the rule for the last ActiveDays: from the start of the UTC day ActiveDays-1 days
// before now to the end of today.
func ActiveNow(now time.Time) Activity {
	today := now.UTC().Truncate(24 * time.Hour)
	return ActiveIn(today.AddDate(0, 0, 1-ActiveDays), today.AddDate(0, 0, 1))
}

// ActiveBefore is the rule for the ActiveDays before a.
func (a Activity) ActiveBefore() Activity {
	return ActiveIn(a.From.AddDate(0, 0, -ActiveDays), a.From)
}

// Member is a user who joined the partner, with their activity.
type Member struct {
	UserID           string
	Name             string
	Email            string
	AccountStatus    string
	JoinedAt         time.Time
	VoucherCode      string
	WatchSeconds     int // all time
	PeriodSeconds    int // in the activity period
	ClassesWatched   int // playback sessions, all time
	ClassesCompleted int
	LastWatchedAt    *time.Time
	Active           bool
}

// The statuses a member list filters on.
const (
	StatusActive   = "active"
	StatusInactive = "inactive"
)

// Sorts of the members list; a leading "-" reverses.
var sorts = map[string]bool{"name": true, "email": true, "joinedAt": true, "watchTime": true, "lastWatchedAt": true}

// ValidSort reports whether s is a member sort.
func ValidSort(s string) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	return sorts[s]
}

// Filter narrows a members list.
type Filter struct {
	Search string
	Status string
	Sort   string
}

// Viewing is one playback session of a member.
type Viewing struct {
	ClassID        string
	ClassTitle     string
	CategoryName   string
	StartedAt      time.Time
	WatchedSeconds int
	Completed      bool
}
