package profile

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/throttle"
	"github.com/stvos/stvos/ports"
)

// Deps are what the profile use cases need.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	Limits     Limits
	Audit      audit.Store
	// Hasher hashes PINs as passwords are hashed (argon2id).
	Hasher ports.PasswordHasher
	// Throttle counts wrong PINs as failed guesses, as sign-in counts passwords.
	Throttle *throttle.Throttle
	// Passwords checks the password confirming a change of the master PIN.
	Passwords *credential.Passwords
	Signer    ports.TokenSigner
	Clock     ports.Clock
}

// Service holds the profile use cases.
type Service struct{ d Deps }

// NewService returns the profile use cases.
func NewService(d Deps) *Service { return &Service{d: d} }

// now is the time of a change, at the store's precision (microseconds).
func (s *Service) now() time.Time { return s.d.Clock.Now().UTC().Truncate(time.Microsecond) }

// The answers of the rules of profiles.
var (
	// ErrLimitReached answers a creation past the plan's number of profiles.
	ErrLimitReached = ports.Conflict("PROFILE_LIMIT_REACHED", "The plan's number of profiles is reached; delete one first.")
	// ErrPrimary answers the deletion of the primary profile.
	ErrPrimary = ports.Conflict("PRIMARY_PROFILE_UNDELETABLE", "The primary profile cannot be deleted.")
	// ErrWrongPIN answers a wrong PIN.
	ErrWrongPIN = ports.Forbidden("INVALID_PIN", "The PIN is wrong.")
)

func notFound() error { return ports.NotFound("profile") }

// List returns the account's profiles, the primary first. The first listing of an account
// without profiles makes its primary one (the only write of a listing, once per account).
func (s *Service) List(ctx context.Context, tenantID string, by audit.Actor) ([]Profile, error) {
	var ps []Profile
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		ps, err = s.d.Store.List(ctx, by.ID)
		return err
	})
	if err != nil || hasPrimary(ps) {
		return ps, err
	}
	err = s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		ps, _, err = s.lockedProfiles(ctx, tenantID, by)
		return err
	})
	return ps, err
}

func hasPrimary(ps []Profile) bool {
	return len(ps) > 0 && ps[0].IsPrimary
}

// lockedProfiles locks the account's profiles, makes its primary profile if it has none, and
// answers the account's profiles and the account.
func (s *Service) lockedProfiles(ctx context.Context, tenantID string, by audit.Actor) ([]Profile, Owner, error) {
	owner, err := s.d.Store.LockOwner(ctx, by.ID)
	if err != nil {
		return nil, owner, err
	}
	ps, err := s.d.Store.List(ctx, by.ID)
	if err != nil || hasPrimary(ps) {
		return ps, owner, err
	}
	now := s.now()
	p := Profile{ID: ports.NewID(), TenantID: tenantID, UserID: by.ID, Name: primaryName(owner),
		ContentRatingLimit: DefaultRatingLimit, Language: defaultLanguage(owner), AutoplayNextEpisode: true, IsPrimary: true,
		CreatedAt: now, UpdatedAt: now}
	if err := s.d.Store.Create(ctx, p); err != nil {
		return nil, owner, err
	}
	if err := s.record(ctx, by, "profile.created", p, now, map[string]any{"primary": true}); err != nil {
		return nil, owner, err
	}
	return append([]Profile{p}, ps...), owner, nil
}

// Create adds a profile to the account, within the plan's number of profiles (counting the
// primary one, made first if the account has none): past it, ErrLimitReached. The count is
// taken under the account's lock, so concurrent creations cannot pass the limit. While the account
// has a master PIN, the change needs it (see Unlock).
func (s *Service) Create(ctx context.Context, tenantID string, by audit.Actor, in Input, u Unlock) (Profile, error) {
	in.RemovePIN = false
	var v ports.Validation
	in.normalize(&v)
	if err := v.Err(); err != nil {
		return Profile{}, err
	}
	if err := s.unlock(ctx, tenantID, by.ID, u); err != nil {
		return Profile{}, err
	}
	hash, err := s.hashPIN(in.PIN)
	if err != nil {
		return Profile{}, err
	}
	var p Profile
	err = s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		ps, owner, err := s.lockedProfiles(ctx, tenantID, by)
		if err != nil {
			return err
		}
		limit, err := s.d.Limits.MaxProfiles(ctx, tenantID, by.ID)
		if err != nil {
			return err
		}
		if len(ps) >= limit {
			return ErrLimitReached
		}
		if err := s.knownClasses(ctx, in.AllowedClassIDs); err != nil {
			return err
		}
		now := s.now()
		p = Profile{ID: ports.NewID(), TenantID: tenantID, UserID: by.ID, PINHash: hash, CreatedAt: now, UpdatedAt: now}
		in.apply(&p, owner)
		if err := s.d.Store.Create(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, by, "profile.created", p, now, nil)
	})
	if err != nil {
		return Profile{}, err
	}
	return p, nil
}

// hashPIN hashes a new PIN, outside any transaction (hashing takes a while, on purpose); no PIN
// hashes to "".
func (s *Service) hashPIN(pin *string) (string, error) {
	if pin == nil {
		return "", nil
	}
	return s.d.Hasher.Hash(*pin)
}

// Get returns one of the account's profiles.
func (s *Service) Get(ctx context.Context, tenantID, userID, id string) (Profile, error) {
	if !ports.IsID(id) {
		return Profile{}, notFound()
	}
	var p Profile
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		p, err = s.d.Store.Get(ctx, userID, id, false)
		return err
	})
	return p, err
}

// knownClasses refuses titles that are no classes of the client.
func (s *Service) knownClasses(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	unknown, err := s.d.Store.UnknownClasses(ctx, ids)
	if err != nil || len(unknown) == 0 {
		return err
	}
	return ports.Invalid("allowed_class_ids", "names no class of this client: "+strings.Join(unknown, ", "))
}

// Update replaces one of the account's profiles (see Input for the PIN and the defaults). While
// the account has a master PIN, the change needs it (see Unlock).
func (s *Service) Update(ctx context.Context, tenantID string, by audit.Actor, id string, in Input, u Unlock) (Profile, error) {
	if !ports.IsID(id) {
		return Profile{}, notFound()
	}
	var v ports.Validation
	in.normalize(&v)
	if err := v.Err(); err != nil {
		return Profile{}, err
	}
	if err := s.unlock(ctx, tenantID, by.ID, u); err != nil {
		return Profile{}, err
	}
	hash, err := s.hashPIN(in.PIN)
	if err != nil {
		return Profile{}, err
	}
	var p Profile
	err = s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		owner, err := s.d.Store.LockOwner(ctx, by.ID)
		if err != nil {
			return err
		}
		if p, err = s.d.Store.Get(ctx, by.ID, id, true); err != nil {
			return err
		}
		if err := s.knownClasses(ctx, in.AllowedClassIDs); err != nil {
			return err
		}
		before := p
		in.apply(&p, owner)
		pin := "unchanged"
		switch {
		case in.PIN != nil:
			p.PINHash, pin = hash, "set"
		case in.RemovePIN && p.PINHash != "":
			p.PINHash, pin = "", "removed"
		}
		p.UpdatedAt = s.now()
		if err := s.d.Store.Save(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, by, "profile.updated", p, p.UpdatedAt, map[string]any{"changed": changedFields(before, p), "pin_change": pin})
	})
	if err != nil {
		return Profile{}, err
	}
	return p, nil
}

// changedFields names the fields (in the API's words) that differ between two versions of a
// profile, the PIN aside.
func changedFields(a, b Profile) []string {
	out := []string{}
	for _, f := range []struct {
		name string
		same bool
	}{
		{"name", a.Name == b.Name}, {"avatar_preset_id", a.AvatarPresetID == b.AvatarPresetID},
		{"content_rating_limit", a.ContentRatingLimit == b.ContentRatingLimit}, {"language", a.Language == b.Language},
		{"is_kids", a.IsKids == b.IsKids}, {"autoplay_next_episode", a.AutoplayNextEpisode == b.AutoplayNextEpisode},
		{"allowed_class_ids", (a.AllowedClassIDs == nil) == (b.AllowedClassIDs == nil) && slices.Equal(a.AllowedClassIDs, b.AllowedClassIDs)},
	} {
		if !f.same {
			out = append(out, f.name)
		}
	}
	return out
}

// Delete removes one of the account's profiles; the primary one cannot be (ErrPrimary). While the
// account has a master PIN, the change needs it (see Unlock).
func (s *Service) Delete(ctx context.Context, tenantID string, by audit.Actor, id string, u Unlock) error {
	if !ports.IsID(id) {
		return notFound()
	}
	if err := s.unlock(ctx, tenantID, by.ID, u); err != nil {
		return err
	}
	return s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if _, err := s.d.Store.LockOwner(ctx, by.ID); err != nil {
			return err
		}
		p, err := s.d.Store.Get(ctx, by.ID, id, true)
		if err != nil {
			return err
		}
		if p.IsPrimary {
			return ErrPrimary
		}
		if err := s.d.Store.Delete(ctx, by.ID, id); err != nil {
			return err
		}
		return s.record(ctx, by, "profile.deleted", p, s.now(), nil)
	})
}

// record appends the audit record of a change to a profile; it names the profile's fields, never
// its PIN.
func (s *Service) record(ctx context.Context, by audit.Actor, action string, p Profile, at time.Time, details map[string]any) error {
	r := audit.NewRecord(p.TenantID, by, action, "profile", p.ID, at)
	r.Details = map[string]any{"name": p.Name, "is_kids": p.IsKids, "content_rating_limit": p.ContentRatingLimit,
		"pin_protected": p.PINProtected()}
	for k, v := range details {
		r.Details[k] = v
	}
	return s.d.Audit.Append(ctx, r)
}
