package flag

import (
	"context"
	"time"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/ports"
)

// Action is what a scheduled change does to its flag.
type Action string

// The scheduled actions.
const (
	TurnOn     Action = "turn_on"
	TurnOff    Action = "turn_off"
	SetDefault Action = "set_default"
)

// ScheduleStatus is where a scheduled change stands.
type ScheduleStatus string

// The statuses of a scheduled change.
const (
	Pending  ScheduleStatus = "pending"
	Done     ScheduleStatus = "done"
	Canceled ScheduleStatus = "canceled"
	// Failed: at its time the change could not apply (its variation no longer exists).
	Failed ScheduleStatus = "failed"
)

// MaxScheduleAhead bounds how far ahead a change may be scheduled; MaxSchedulePast how far in
// the past a run_at may be (a change scheduled for a moment just gone runs at once).
const (
	MaxScheduleAhead = 366 * 24 * time.Hour
	MaxSchedulePast  = 5 * time.Minute
	// MaxPendingSchedules bounds a flag's pending changes.
	MaxPendingSchedules = 50
)

// Schedule is a change of a flag at a time, run by a job.
type Schedule struct {
	ID        string
	TenantID  string
	FlagKey   string
	Action    Action
	Variation string
	RunAt     time.Time
	Status    ScheduleStatus
	// Detail says why a change failed.
	Detail    string
	CreatedBy audit.Actor
	CreatedAt time.Time
	DoneAt    *time.Time
}

// ScheduleJob is the job that applies a scheduled change at its time.
type ScheduleJob struct {
	TenantID   string    `json:"tenant_id"`
	ScheduleID string    `json:"schedule_id"`
	At         time.Time `json:"run_at"`
}

// Kind names the job.
func (ScheduleJob) Kind() string { return "flag.schedule" }

// RunAt is when the job runs (ports.ScheduledJob).
func (j ScheduleJob) RunAt() time.Time { return j.At }

var _ ports.ScheduledJob = ScheduleJob{}

// ScheduleInput asks for a change at a time.
type ScheduleInput struct {
	Action Action
	// Variation is the new default variation of a set_default change.
	Variation string
	RunAt     time.Time
}

// Schedule records a change of the flag at in.RunAt and enqueues its job in the same transaction.
func (s *Service) Schedule(ctx context.Context, tenantID string, by audit.Actor, key string, in ScheduleInput) (Schedule, error) {
	now := s.now()
	var v ports.Validation
	v.Check(in.Action == TurnOn || in.Action == TurnOff || in.Action == SetDefault, "action", "must be turn_on, turn_off or set_default")
	if in.Action == SetDefault {
		v.Check(in.Variation != "", "variation", "must name the new default variation")
	} else {
		v.Check(in.Variation == "", "variation", "is only for set_default")
	}
	v.Check(!in.RunAt.IsZero() && !in.RunAt.Before(now.Add(-MaxSchedulePast)), "run_at", "must be now or later (at most 5 minutes ago)")
	v.Check(in.RunAt.Before(now.Add(MaxScheduleAhead)), "run_at", "must be within a year")
	if err := v.Err(); err != nil {
		return Schedule{}, err
	}
	sc := Schedule{ID: ports.NewID(), TenantID: tenantID, FlagKey: key, Action: in.Action, Variation: in.Variation,
		RunAt: in.RunAt.UTC().Truncate(time.Microsecond), Status: Pending, CreatedBy: by, CreatedAt: now}
	err := s.write(ctx, tenantID, func(ctx context.Context, st Store) error {
		f, err := st.GetFlag(ctx, key, true)
		if err != nil {
			return err
		}
		if _, ok := f.variation(in.Variation); in.Action == SetDefault && !ok {
			return ports.Invalid("variation", "must name one of the flag's variations")
		}
		pending, err := st.ListSchedules(ctx, key)
		if err != nil {
			return err
		}
		n := 0
		for _, p := range pending {
			if p.Status == Pending {
				n++
			}
		}
		if n >= MaxPendingSchedules {
			return ports.Conflict("TOO_MANY_SCHEDULES", "The flag has 50 pending scheduled changes; cancel some first.")
		}
		if err := st.CreateSchedule(ctx, sc); err != nil {
			return err
		}
		if err := s.d.Jobs.Enqueue(ctx, ScheduleJob{TenantID: tenantID, ScheduleID: sc.ID, At: sc.RunAt}); err != nil {
			return err
		}
		r := audit.NewRecord(tenantID, by, "flag.change_scheduled", "flag", key, now)
		r.Details = map[string]any{"schedule_id": sc.ID, "action": string(sc.Action), "variation": sc.Variation, "run_at": sc.RunAt}
		return s.d.Audit.Append(ctx, r)
	})
	return sc, err
}

// Schedules lists the flag's scheduled changes, soonest first.
func (s *Service) Schedules(ctx context.Context, tenantID, key string) ([]Schedule, error) {
	var out []Schedule
	err := s.read(ctx, tenantID, func(ctx context.Context, st Store) (err error) {
		if _, err := st.GetFlag(ctx, key, false); err != nil {
			return err
		}
		out, err = st.ListSchedules(ctx, key)
		return err
	})
	return out, err
}

// CancelSchedule cancels a pending change; its job then does nothing. A change that ran or was
// canceled is a conflict (SCHEDULE_NOT_PENDING).
func (s *Service) CancelSchedule(ctx context.Context, tenantID string, by audit.Actor, key, id string) (Schedule, error) {
	if !ports.IsID(id) {
		return Schedule{}, ports.NotFound("schedule")
	}
	var sc Schedule
	now := s.now()
	err := s.write(ctx, tenantID, func(ctx context.Context, st Store) (err error) {
		if sc, err = st.GetSchedule(ctx, id, true); err != nil {
			return err
		}
		if sc.FlagKey != key {
			return ports.NotFound("schedule")
		}
		if sc.Status != Pending {
			return ports.Conflict("SCHEDULE_NOT_PENDING", "The scheduled change already ran or was canceled.")
		}
		sc.Status, sc.DoneAt = Canceled, &now
		if err := st.SaveSchedule(ctx, sc); err != nil {
			return err
		}
		r := audit.NewRecord(tenantID, by, "flag.schedule_canceled", "flag", key, now)
		r.Details = map[string]any{"schedule_id": id}
		return s.d.Audit.Append(ctx, r)
	})
	return sc, err
}

// RunSchedule applies a scheduled change (the job's work): a pending change updates its flag and
// is marked done, in one transaction; anything else does nothing, so a retried or canceled job is
// harmless.
func (s *Service) RunSchedule(ctx context.Context, tenantID, id string) error {
	now := s.now()
	return s.write(ctx, tenantID, func(ctx context.Context, st Store) error {
		sc, err := st.GetSchedule(ctx, id, true)
		if ports.AsError(err) != nil && ports.AsError(err).Kind == ports.ErrNotFound {
			return nil // its flag was deleted
		}
		if err != nil || sc.Status != Pending {
			return err
		}
		f, err := st.GetFlag(ctx, sc.FlagKey, true)
		if err != nil {
			return err
		}
		old := f
		switch sc.Action {
		case TurnOn:
			f.On = true
		case TurnOff:
			f.On = false
		case SetDefault:
			if _, ok := f.variation(sc.Variation); !ok {
				sc.Status, sc.DoneAt, sc.Detail = Failed, &now, "the variation "+sc.Variation+" no longer exists"
				return st.SaveSchedule(ctx, sc)
			}
			f.DefaultVariation = sc.Variation
		}
		sc.Status, sc.DoneAt = Done, &now
		if err := st.SaveSchedule(ctx, sc); err != nil {
			return err
		}
		by := audit.Actor{Kind: "system", ID: "flag-schedule"}
		if fields := changedFields(old, f); len(fields) > 0 {
			f.Version, f.UpdatedAt = f.Version+1, now
			if err := st.SaveFlag(ctx, f); err != nil {
				return err
			}
			r := audit.NewRecord(tenantID, by, "flag.updated", "flag", f.Key, now)
			r.Details = map[string]any{"fields": fields, "schedule_id": sc.ID}
			return s.d.Audit.Append(ctx, r)
		}
		return nil
	})
}
