package flag

import (
	"context"
	"slices"
	"time"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/ports"
)

// Deps are what the flag use cases need.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Stores     Stores
	Audit      audit.Store
	Jobs       ports.Jobs
	Changes    ports.FlagChanges
	Clock      ports.Clock
	// MaxAge bounds how long a compiled snapshot serves without news from its announcements
	// (a missed announcement then costs at most this); DefaultMaxAge when zero.
	MaxAge time.Duration
}

// DefaultMaxAge is the longest a client's compiled flags serve without being reloaded.
const DefaultMaxAge = time.Minute

// Service holds the flag use cases. Every change runs in one unit of work with its audit record,
// and is announced to every process after it commits.
type Service struct {
	d     Deps
	cache *Cache
}

// NewService returns the flag use cases.
func NewService(d Deps) *Service {
	if d.MaxAge <= 0 {
		d.MaxAge = DefaultMaxAge
	}
	return &Service{d: d, cache: NewCache()}
}

// Cache returns the service's cache of compiled snapshots, for the announcements' listener.
func (s *Service) Cache() *Cache { return s.cache }

// now is the clock's time as the store keeps it (microseconds).
func (s *Service) now() time.Time { return s.d.Clock.Now().UTC().Truncate(time.Microsecond) }

// write runs fn in the tenant's unit of work with its store; after a commit it drops this
// process's snapshot of the tenant and announces the change to the others (harmless when fn
// changed nothing).
func (s *Service) write(ctx context.Context, tenantID string, fn func(ctx context.Context, st Store) error) error {
	st, err := s.d.Stores.For(ctx, tenantID)
	if err != nil {
		return err
	}
	if err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error { return fn(ctx, st) }); err != nil {
		return err
	}
	s.cache.Invalidate(tenantID)
	s.d.Changes.Announce(ctx, tenantID)
	return nil
}

// read runs fn in the tenant's read unit of work with its store.
func (s *Service) read(ctx context.Context, tenantID string, fn func(ctx context.Context, st Store) error) error {
	st, err := s.d.Stores.For(ctx, tenantID)
	if err != nil {
		return err
	}
	return s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error { return fn(ctx, st) })
}

// Snapshot returns the tenant's compiled flags: the cached snapshot while it is fresh, else one
// loaded from the store (one load at a time per tenant; concurrent callers wait for it).
func (s *Service) Snapshot(ctx context.Context, tenantID string) (*Snapshot, error) {
	now := s.d.Clock.Now()
	if snap, ok := s.cache.get(tenantID, now, s.d.MaxAge); ok {
		return snap, nil
	}
	return s.cache.load(tenantID, now, s.d.MaxAge, func() (*Snapshot, error) {
		var d Definitions
		err := s.read(ctx, tenantID, func(ctx context.Context, st Store) (err error) {
			d, err = st.Definitions(ctx)
			return err
		})
		if err != nil {
			return nil, err
		}
		return Compile(d), nil
	})
}

// Evaluate evaluates a flag of the tenant for a context (see the package for the order). Errors:
// ErrFlagNotFound, ErrTargetingKeyMissing, invalid contexts (ports.ErrInvalid), store failures.
func (s *Service) Evaluate(ctx context.Context, tenantID, key string, c Context) (Result, error) {
	c = c.normalize()
	if err := CheckEvaluated(c); err != nil {
		return Result{Key: key}, err
	}
	snap, err := s.Snapshot(ctx, tenantID)
	if err != nil {
		return Result{Key: key}, err
	}
	return snap.Evaluate(key, c)
}

// FlagInput is a flag as an admin writes it on create.
type FlagInput struct {
	Key              string
	Type             Type
	Description      string
	Variations       []Variation
	DefaultVariation string
	OffVariation     string
	// TargetVariation defaults to the variation whose value is true for boolean flags, else to
	// the default variation.
	TargetVariation string
	Rules           []Rule
	On              bool
}

// FlagPatch changes some fields of a flag; nil fields stay as they are.
type FlagPatch struct {
	Description      *string
	Variations       []Variation
	DefaultVariation *string
	OffVariation     *string
	TargetVariation  *string
	Rules            *[]Rule
	On               *bool
}

func defaultTarget(f *Flag) {
	if f.TargetVariation != "" {
		return
	}
	f.TargetVariation = f.DefaultVariation
	if f.Type == Boolean {
		for _, v := range f.Variations {
			if v.Value == true {
				f.TargetVariation = v.Name
			}
		}
	}
}

// checkSegments refuses rules naming segments the client does not have.
func checkSegments(ctx context.Context, st Store, rules []Rule) error {
	var v ports.Validation
	for i, r := range rules {
		if _, err := st.GetSegment(ctx, r.Segment, false); err != nil {
			if e := ports.AsError(err); e != nil && e.Kind == ports.ErrNotFound {
				v.Add("rules["+itoa(i)+"].segment", "names no segment of this client")
				continue
			}
			return err
		}
	}
	return v.Err()
}

// CreateFlag adds a flag to the tenant.
func (s *Service) CreateFlag(ctx context.Context, tenantID string, by audit.Actor, in FlagInput) (Flag, error) {
	now := s.now()
	f := Flag{TenantID: tenantID, Key: in.Key, Type: in.Type, Description: in.Description, Variations: in.Variations,
		DefaultVariation: in.DefaultVariation, OffVariation: in.OffVariation, TargetVariation: in.TargetVariation,
		Rules: nonNilRules(in.Rules), On: in.On, Version: 1, CreatedAt: now, UpdatedAt: now}
	defaultTarget(&f)
	if err := f.validate(); err != nil {
		return Flag{}, err
	}
	err := s.write(ctx, tenantID, func(ctx context.Context, st Store) error {
		if err := checkSegments(ctx, st, f.Rules); err != nil {
			return err
		}
		if err := st.CreateFlag(ctx, f); err != nil {
			return err
		}
		r := audit.NewRecord(tenantID, by, "flag.created", "flag", f.Key, now)
		r.Details = map[string]any{"type": string(f.Type), "on": f.On}
		return s.d.Audit.Append(ctx, r)
	})
	if err != nil {
		return Flag{}, err
	}
	return f, nil
}

// GetFlag returns a flag of the tenant.
func (s *Service) GetFlag(ctx context.Context, tenantID, key string) (Flag, error) {
	if !ValidKey(key) {
		return Flag{}, ports.NotFound("flag")
	}
	var f Flag
	err := s.read(ctx, tenantID, func(ctx context.Context, st Store) (err error) {
		f, err = st.GetFlag(ctx, key, false)
		return err
	})
	return f, err
}

// ListFlags returns a page of the tenant's flags in key order after the cursor (a key), and
// whether more follow.
func (s *Service) ListFlags(ctx context.Context, tenantID, after string, limit int) ([]Flag, bool, error) {
	if after != "" && !ValidKey(after) {
		return nil, false, ports.Invalid("cursor", "is not a cursor this API returned")
	}
	limit = pageSize(limit)
	var fs []Flag
	err := s.read(ctx, tenantID, func(ctx context.Context, st Store) (err error) {
		fs, err = st.ListFlags(ctx, after, limit+1)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	fs, more := ports.TrimPage(fs, limit)
	return fs, more, nil
}

// UpdateFlag changes a flag's fields; ifVersion, when not 0, must be its current version. A patch
// that changes nothing writes nothing.
func (s *Service) UpdateFlag(ctx context.Context, tenantID string, by audit.Actor, key string, p FlagPatch, ifVersion int) (Flag, error) {
	if !ValidKey(key) {
		return Flag{}, ports.NotFound("flag")
	}
	var f Flag
	now := s.now()
	err := s.write(ctx, tenantID, func(ctx context.Context, st Store) error {
		old, err := current(ctx, st, key, ifVersion)
		if err != nil {
			return err
		}
		f = old.patched(p)
		if err := f.validate(); err != nil {
			return err
		}
		fields := changedFields(old, f)
		if len(fields) == 0 {
			f = old
			return nil
		}
		if p.Rules != nil {
			if err := checkSegments(ctx, st, f.Rules); err != nil {
				return err
			}
		}
		f.Version, f.UpdatedAt = old.Version+1, now
		if err := st.SaveFlag(ctx, f); err != nil {
			return err
		}
		r := audit.NewRecord(tenantID, by, "flag.updated", "flag", key, now)
		r.Details = map[string]any{"fields": fields}
		return s.d.Audit.Append(ctx, r)
	})
	if err != nil {
		return Flag{}, err
	}
	return f, nil
}

// DeleteFlag removes a flag with its targets and scheduled changes.
func (s *Service) DeleteFlag(ctx context.Context, tenantID string, by audit.Actor, key string, ifVersion int) error {
	if !ValidKey(key) {
		return ports.NotFound("flag")
	}
	return s.write(ctx, tenantID, func(ctx context.Context, st Store) error {
		if _, err := current(ctx, st, key, ifVersion); err != nil {
			return err
		}
		if err := st.DeleteFlag(ctx, key); err != nil {
			return err
		}
		return s.d.Audit.Append(ctx, audit.NewRecord(tenantID, by, "flag.deleted", "flag", key, s.now()))
	})
}

func current(ctx context.Context, st Store, key string, ifVersion int) (Flag, error) {
	f, err := st.GetFlag(ctx, key, true)
	if err != nil {
		return Flag{}, err
	}
	if ifVersion != 0 && f.Version != ifVersion {
		return Flag{}, stale("flag")
	}
	return f, nil
}

func stale(what string) error {
	return &ports.Error{Kind: ports.ErrPrecondition, Code: "PRECONDITION_FAILED", Message: "The " + what + " changed since it was read; read it again."}
}

func (f Flag) patched(p FlagPatch) Flag {
	if p.Description != nil {
		f.Description = *p.Description
	}
	if p.Variations != nil {
		f.Variations = p.Variations
	}
	if p.DefaultVariation != nil {
		f.DefaultVariation = *p.DefaultVariation
	}
	if p.OffVariation != nil {
		f.OffVariation = *p.OffVariation
	}
	if p.TargetVariation != nil {
		f.TargetVariation = *p.TargetVariation
	}
	if p.Rules != nil {
		f.Rules = nonNilRules(*p.Rules)
	}
	if p.On != nil {
		f.On = *p.On
	}
	return f
}

// changedFields names, as the API does, the fields that differ between two versions of a flag.
func changedFields(a, b Flag) []string {
	var out []string
	add := func(differ bool, field string) {
		if differ {
			out = append(out, field)
		}
	}
	add(a.Description != b.Description, "description")
	add(!slices.EqualFunc(a.Variations, b.Variations, func(x, y Variation) bool {
		return x.Name == y.Name && sameValue(x.Value, y.Value)
	}), "variations")
	add(a.DefaultVariation != b.DefaultVariation, "default_variation")
	add(a.OffVariation != b.OffVariation, "off_variation")
	add(a.TargetVariation != b.TargetVariation, "target_variation")
	add(!slices.Equal(a.Rules, b.Rules), "rules")
	add(a.On != b.On, "on")
	return out
}

func nonNilRules(r []Rule) []Rule {
	if r == nil {
		return []Rule{}
	}
	return r
}

func pageSize(limit int) int {
	if limit < 1 || limit > MaxPageSize {
		return DefaultPageSize
	}
	return limit
}
