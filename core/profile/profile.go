// Package profile is who is watching on an account: its sub-profiles. Every account has one
// primary profile, made on the account's first listing or creation of profiles (named after the
// account), which cannot be deleted; the account's plan bounds how many it holds (Limits). A
// profile may be locked with a numeric PIN, kept only as a hash; verifying it answers a
// short-lived profile token, which the app sends with catalog calls so that the profile's content
// rating limit is honoured (core/catalog). A kids profile is limited to TV-PG (or PG) content, and
// may be limited further to titles chosen by the account. An account may set a master PIN that
// guards its profile settings: while set, creating, changing or deleting a profile needs it.
package profile

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/core/catalog"
	"github.com/stvos/stvos/ports"
)

// Bounds and defaults of profile fields, as the specification states them.
const (
	MaxNameLength = 50
	MinPINLength  = 4
	MaxPINLength  = 6
	// DefaultRatingLimit is the limit of a profile created without one: everything.
	DefaultRatingLimit = "TV-MA"
	// KidsRatingLimit is the highest limit of a kids profile, and its default.
	KidsRatingLimit = "TV-PG"
	// MaxLanguageLength bounds a language tag.
	MaxLanguageLength = 35
	// MaxAllowedTitles bounds the titles a kids profile may be limited to.
	MaxAllowedTitles = 200
	// fallbackName names a primary profile whose account has no display name.
	fallbackName = "Main"
)

// Profile is one sub-profile of an account.
type Profile struct {
	ID       string
	TenantID string
	UserID   string
	Name     string
	// AvatarPresetID is a preset of the platform's avatar library, or empty.
	AvatarPresetID string
	// PINHash is the hash of the profile's PIN (ports.PasswordHasher), empty without a PIN.
	PINHash             string
	ContentRatingLimit  string
	Language            string
	IsKids              bool
	AutoplayNextEpisode bool
	IsPrimary           bool
	// AllowedClassIDs, when not nil, are the only classes a kids profile is shown.
	AllowedClassIDs []string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// PINProtected reports whether the profile is locked with a PIN.
func (p Profile) PINProtected() bool { return p.PINHash != "" }

// Owner is what profiles need to know of the account that holds them.
type Owner struct {
	Email       string
	DisplayName string
	// Locale is the account's language tag, the language of profiles made without one.
	Locale string
	// PasswordHash confirms a change of the master PIN.
	PasswordHash string
	// MasterPINHash is the hash of the account's master PIN, empty without one.
	MasterPINHash string
}

// Input is a profile as a subscriber writes it, in a creation or a replacement (PUT): fields left
// empty take their defaults, but the PIN, which cannot be read back, stays as it is unless it is
// set (PIN) or removed (RemovePIN).
type Input struct {
	Name           string
	AvatarPresetID string
	// PIN, when not nil, is the new PIN: 4 to 6 digits.
	PIN *string
	// RemovePIN removes the PIN (a replacement only).
	RemovePIN bool
	// ContentRatingLimit is one of catalog.Ratings; empty is TV-MA, or TV-PG for a kids profile.
	ContentRatingLimit string
	// Language is a language tag such as en-US; empty is the account's locale.
	Language string
	IsKids   bool
	// AutoplayNextEpisode is true when nil.
	AutoplayNextEpisode *bool
	// AllowedClassIDs, when not nil, limits a kids profile to these classes of the client (at
	// most MaxAllowedTitles; none when empty).
	AllowedClassIDs []string
}

var languagePattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// ValidPIN reports whether pin is 4 to 6 ASCII digits.
func ValidPIN(pin string) bool {
	if len(pin) < MinPINLength || len(pin) > MaxPINLength {
		return false
	}
	for _, c := range pin {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// normalize trims the input, fills its defaults (but the language: see apply) and records what
// is refused.
func (in *Input) normalize(v *ports.Validation) {
	in.Name = strings.TrimSpace(in.Name)
	n := utf8.RuneCountInString(in.Name)
	v.Check(n >= 1 && n <= MaxNameLength, "name", "must be 1 to 50 characters")
	v.Check(in.AvatarPresetID == "" || ports.IsID(in.AvatarPresetID), "avatar_preset_id", "must be a UUID")
	if in.PIN != nil {
		v.Check(ValidPIN(*in.PIN), "pin", "must be 4 to 6 digits")
		v.Check(!in.RemovePIN, "pin", "cannot be set and removed at once")
	}
	switch {
	case in.ContentRatingLimit == "" && in.IsKids:
		in.ContentRatingLimit = KidsRatingLimit
	case in.ContentRatingLimit == "":
		in.ContentRatingLimit = DefaultRatingLimit
	case !catalog.ValidRating(in.ContentRatingLimit):
		v.Add("content_rating_limit", "must be one of "+catalog.RatingsText)
	case in.IsKids && !catalog.RatingWithin(in.ContentRatingLimit, KidsRatingLimit):
		v.Add("content_rating_limit", "must be at most TV-PG or PG for a kids profile")
	}
	v.Check(in.Language == "" || len(in.Language) <= MaxLanguageLength && languagePattern.MatchString(in.Language), "language",
		"must be a language tag such as en-US")
	if in.AllowedClassIDs != nil {
		in.AllowedClassIDs = distinct(in.AllowedClassIDs)
		v.Check(in.IsKids, "allowed_class_ids", "only a kids profile may be limited to chosen titles")
		v.Check(len(in.AllowedClassIDs) <= MaxAllowedTitles, "allowed_class_ids", "must list at most 200 classes")
		for _, id := range in.AllowedClassIDs {
			if !ports.IsID(id) {
				v.Add("allowed_class_ids", "must list class ids (UUIDs); "+strconv.Quote(clip(id, 40))+" is not one")
				break
			}
		}
	}
}

// distinct returns the ids in their first order, each once.
func distinct(ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		id = strings.ToLower(strings.TrimSpace(id))
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// clip cuts s to n runes, for messages that quote input.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// apply writes the input's fields (normalized) to a profile of the owner's account; the PIN is
// set apart, hashed.
func (in Input) apply(p *Profile, owner Owner) {
	p.Name, p.AvatarPresetID, p.ContentRatingLimit, p.Language, p.IsKids = in.Name, in.AvatarPresetID, in.ContentRatingLimit,
		in.Language, in.IsKids
	if p.Language == "" {
		p.Language = defaultLanguage(owner)
	}
	p.AutoplayNextEpisode = in.AutoplayNextEpisode == nil || *in.AutoplayNextEpisode
	p.AllowedClassIDs = in.AllowedClassIDs
}

// primaryName is the name of an account's primary profile: its display name, cut to the bound.
func primaryName(o Owner) string {
	name := strings.TrimSpace(o.DisplayName)
	if name == "" {
		return fallbackName
	}
	if utf8.RuneCountInString(name) > MaxNameLength {
		name = strings.TrimSpace(string([]rune(name)[:MaxNameLength]))
	}
	return name
}

// defaultLanguage is the language of a profile made without one: the account's locale when it
// is a language tag.
func defaultLanguage(o Owner) string {
	if len(o.Locale) <= MaxLanguageLength && languagePattern.MatchString(o.Locale) {
		return o.Locale
	}
	return "en-US"
}
