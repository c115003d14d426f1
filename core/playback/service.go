package playback

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/ports"
)

// Deps are what playback needs.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	Slots      ports.StreamSlots
	Clock      ports.Clock
	// MaxStreams answers how many streams an account may watch at once (its plan's, or the
	// client's default).
	MaxStreams func(ctx context.Context, tenantID, userID string) (int, error)
	// SlotTTL is how long a slot lives without a heartbeat.
	SlotTTL time.Duration
}

// Service holds the playback use cases.
type Service struct{ d Deps }

// NewService returns playback.
func NewService(d Deps) *Service { return &Service{d: d} }

// HeartbeatInterval is how often a player should report: a third of the slot's life, so one
// lost heartbeat does not cost the slot.
func (s *Service) HeartbeatInterval() time.Duration { return s.d.SlotTTL / 3 }

// ErrExpired answers a heartbeat whose slot was lost (the player was silent too long, or the
// account was suspended or signed out everywhere).
var ErrExpired = ports.Conflict("PLAYBACK_EXPIRED", "This stream stopped: it was not reported for too long. Start it again.")

func limitReached(limit int) error {
	noun := "streams"
	if limit == 1 {
		noun = "stream"
	}
	return &ports.Error{Kind: ports.ErrConflict, Code: "STREAM_LIMIT_REACHED",
		Message: "This account is already watching " + strconv.Itoa(limit) + " " + noun + " at once, its limit. Stop one to start another."}
}

// Start begins watching a published class on a device, taking a stream slot.
func (s *Service) Start(ctx context.Context, tenantID, userID, classID, device string) (Session, error) {
	if !ports.IsID(classID) {
		return Session{}, ports.Invalid("classId", "must be a class id")
	}
	device = strings.TrimSpace(device)
	if utf8.RuneCountInString(device) > 100 {
		return Session{}, ports.Invalid("deviceName", "must be at most 100 characters")
	}
	var duration int
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		duration, err = s.d.Store.PlayableClass(ctx, classID)
		return err
	})
	if errors.Is(err, ports.ErrNotFound) {
		return Session{}, ports.NotFound("class")
	}
	if err != nil {
		return Session{}, err
	}
	now := s.now()
	sess := Session{ID: ports.NewID(), TenantID: tenantID, UserID: userID, ClassID: classID, Device: device, StartedAt: now,
		LastBeatAt: now, DurationSeconds: duration}
	limit, err := s.d.MaxStreams(ctx, tenantID, userID)
	if err != nil {
		return Session{}, err
	}
	ok, _, err := s.d.Slots.Acquire(ctx, tenantID, userID, sess.ID, limit, s.d.SlotTTL)
	if err != nil {
		return Session{}, err
	}
	if !ok {
		return Session{}, limitReached(limit)
	}
	sess.MaxStreams = limit
	err = s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error { return s.d.Store.CreateSession(ctx, sess) })
	if err != nil {
		_ = s.d.Slots.Release(context.WithoutCancel(ctx), tenantID, userID, sess.ID)
		return Session{}, err
	}
	return sess, nil
}

// Heartbeat keeps a session's slot and records its position (seconds into the class).
func (s *Service) Heartbeat(ctx context.Context, tenantID, userID, id string, position int) (Session, error) {
	if position < 0 {
		return Session{}, ports.Invalid("positionSeconds", "must not be negative")
	}
	var sess Session
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		if sess, err = s.open(ctx, userID, id); err != nil {
			return err
		}
		if sess.EndedAt != nil {
			return ErrExpired
		}
		held, err := s.d.Slots.Renew(ctx, tenantID, userID, id, s.d.SlotTTL)
		if err != nil {
			return err
		}
		if !held {
			ended := sess.LastBeatAt
			sess.EndedAt = &ended
			if err := s.d.Store.SaveSession(ctx, sess); err != nil {
				return err
			}
			return errEndedQuietly
		}
		sess.advance(s.now(), position, s.d.SlotTTL)
		return s.d.Store.SaveSession(ctx, sess)
	})
	if errors.Is(err, errEndedQuietly) {
		return Session{}, ErrExpired
	}
	return sess, err
}

// errEndedQuietly commits the end of a session whose slot was lost, then answers ErrExpired.
var errEndedQuietly = errors.New("playback: ended")

func (s *Service) open(ctx context.Context, userID, id string) (Session, error) {
	if !ports.IsID(id) {
		return Session{}, ports.NotFound("playback session")
	}
	sess, err := s.d.Store.Session(ctx, userID, id)
	if errors.Is(err, ports.ErrNotFound) {
		return Session{}, ports.NotFound("playback session")
	}
	return sess, err
}

// Stop ends a session, frees its slot and records what was watched; position, when not
// negative, is where the member stopped. Stopping a stopped session answers it unchanged.
func (s *Service) Stop(ctx context.Context, tenantID, userID, id string, position int) (Session, error) {
	var sess Session
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		if sess, err = s.open(ctx, userID, id); err != nil || sess.EndedAt != nil {
			return err
		}
		now := s.now()
		held, err := s.d.Slots.Renew(ctx, tenantID, userID, id, time.Second)
		if err != nil {
			return err
		}
		if held {
			sess.advance(now, position, s.d.SlotTTL)
		}
		sess.EndedAt = &now
		if err := s.d.Store.SaveSession(ctx, sess); err != nil {
			return err
		}
		return s.d.Slots.Release(ctx, tenantID, userID, id)
	})
	return sess, err
}

// History is a page of the member's viewing, newest first.
type History struct {
	Sessions []Session
	Total    int
}

// UserHistory returns a page (1-based) of the member's viewing.
func (s *Service) UserHistory(ctx context.Context, tenantID, userID string, page, limit int) (History, error) {
	var h History
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		h.Sessions, h.Total, err = s.d.Store.History(ctx, userID, (page-1)*limit, limit)
		return err
	})
	return h, err
}

// UserSuspended frees every stream slot of a suspended user and ends their sessions, inside the
// suspension's unit of work (it is a useradmin.SuspendHook).
func (s *Service) UserSuspended(ctx context.Context, tenantID, userID string) error {
	return s.StopAll(ctx, tenantID, userID)
}

// StopAll ends every stream of the account and frees its slots, inside the caller's unit of work
// (a suspension, a subscription that ended or paused): heartbeats of those streams then answer
// PLAYBACK_EXPIRED.
func (s *Service) StopAll(ctx context.Context, tenantID, userID string) error {
	if err := s.d.Store.EndOpenSessions(ctx, userID); err != nil {
		return err
	}
	return s.d.Slots.ReleaseAll(ctx, tenantID, userID)
}

// now is the clock's time at the database's precision, so what a call answers is what a later
// read returns.
func (s *Service) now() time.Time { return s.d.Clock.Now().Truncate(time.Microsecond) }
