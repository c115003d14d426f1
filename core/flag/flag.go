// Package flag is a client's feature flags: flags with typed variations, segments of contexts,
// individual targets, and their evaluation.
//
// A flag has a type (boolean, string, number or json), named variations whose values have that
// type, a default variation (served when the flag is on and nothing targets the context), an off
// variation (served when the flag is off) and a target variation (served to contexts targeted
// individually, for example by a partner). Its rules are an ordered list of (segment, variation):
// a context included in the segment gets the variation.
//
// Evaluation order, for a context {kind, key} (kind "user" when none is given):
//
//  1. off: the flag is off → the off variation (reason DISABLED);
//  2. individual targets: the context is a target of the flag → its variation (TARGETING_MATCH);
//  3. segment rules, in order: the first rule whose segment includes the context → its variation
//     (TARGETING_MATCH);
//  4. default: the default variation (reason DEFAULT; STATIC when the flag targets nothing, so
//     every context gets the same value).
//
// Contexts (targets of a flag, members of a segment) are owned: those added by a partner carry the
// partner's id, and a partner sees, lists and removes only its own; those added by the client's
// admins or operators belong to the client. Ownership decides who may see and change a context,
// never how it evaluates: a context targeted by any owner is targeted.
//
// Evaluation runs in process over an immutable compiled snapshot of one client's definitions
// (Snapshot), cached per client (Cache) and dropped when any process announces a change of the
// client's flags (ports.FlagChanges, after the change commits).
package flag

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/ports"
)

// Type is the type of a flag's values.
type Type string

// The flag types.
const (
	Boolean Type = "boolean"
	String  Type = "string"
	Number  Type = "number"
	JSON    Type = "json"
)

// Limits of definitions.
const (
	MaxVariations        = 20
	MaxRules             = 20
	MaxDescriptionLength = 1000
	MaxNameLength        = 100
	MaxValueBytes        = 8 << 10
	MaxContextKeyLength  = 256
	// MaxContextsPerCall bounds one add or remove of contexts.
	MaxContextsPerCall = 1000
	// MaxSegmentContexts bounds the contexts of one segment (a CSV upload included).
	MaxSegmentContexts = 100_000
	DefaultPageSize    = 20
	MaxPageSize        = 100
	// DefaultKind is the kind of a context that names none.
	DefaultKind = "user"
)

var (
	keyPattern  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)
	kindPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,39}$`)
	namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
)

// Variation is a named value of a flag.
type Variation struct {
	Name string
	// Value is the decoded JSON value: bool, string, float64, or a map or slice for json flags.
	Value any
}

// Rule serves a variation to the contexts of a segment.
type Rule struct {
	Segment   string
	Variation string
}

// Flag is a feature flag of a client.
type Flag struct {
	TenantID    string
	Key         string
	Type        Type
	Description string
	Variations  []Variation
	// DefaultVariation is served when the flag is on and nothing targets the context.
	DefaultVariation string
	// OffVariation is served while the flag is off.
	OffVariation string
	// TargetVariation is served to contexts targeted individually (a partner's targeting).
	TargetVariation string
	Rules           []Rule
	On              bool
	// Version counts changes, from 1; it is the flag's ETag.
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Segment is a named set of contexts that flag rules refer to.
type Segment struct {
	TenantID    string
	Key         string
	Name        string
	Description string
	// Contexts counts the contexts included (of every owner), as stored; read only.
	Contexts  int
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Context is what a flag is evaluated for: an entity of a kind ("user", "device", "organization")
// named by its key.
type Context struct {
	Kind string
	Key  string
}

// Owned is a context as its owner sees it, with where it is used.
type Owned struct {
	Context
	// Flags and Segments name where the context is targeted or included.
	Flags    []string
	Segments []string
}

// normalize gives a context its default kind.
func (c Context) normalize() Context {
	if c.Kind == "" {
		c.Kind = DefaultKind
	}
	return c
}

// validContext checks one context, recording faults under field.
func validContext(v *ports.Validation, c Context, field string) {
	v.Check(c.Key != "" && utf8.RuneCountInString(c.Key) <= MaxContextKeyLength && utf8.ValidString(c.Key), field+".key",
		"must be 1 to 256 characters")
	v.Check(kindPattern.MatchString(c.Kind), field+".kind", "must be lower case letters, digits, _ or -, starting with a letter (at most 40)")
}

// ValidKey reports whether s can be a flag or segment key.
func ValidKey(s string) bool { return keyPattern.MatchString(s) }

// checkValue validates a variation's value against the flag's type.
func checkValue(t Type, val any) bool {
	switch t {
	case Boolean:
		_, ok := val.(bool)
		return ok
	case String:
		_, ok := val.(string)
		return ok
	case Number:
		_, ok := val.(float64)
		return ok
	case JSON:
		switch val.(type) {
		case map[string]any, []any:
			b, err := json.Marshal(val)
			return err == nil && len(b) <= MaxValueBytes
		}
	}
	return false
}

// DecodeValue decodes a JSON value as variations keep it: numbers as float64.
func DecodeValue(raw []byte) (any, error) {
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// validate checks a flag's definition and names each field at fault as the API names it.
func (f Flag) validate() error {
	var v ports.Validation
	v.Check(ValidKey(f.Key), "key", "must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit")
	typed := v.Check(f.Type == Boolean || f.Type == String || f.Type == Number || f.Type == JSON, "type",
		"must be boolean, string, number or json")
	v.Check(utf8.RuneCountInString(f.Description) <= MaxDescriptionLength, "description", "must be at most 1000 characters")
	names := map[string]bool{}
	listed := v.Check(len(f.Variations) >= 1 && len(f.Variations) <= MaxVariations, "variations", "must list 1 to 20 variations")
	if listed {
		for i, x := range f.Variations {
			field := "variations[" + strconv.Itoa(i) + "]"
			if v.Check(namePattern.MatchString(x.Name), field+".name", "must be 1 to 64 letters, digits, '.', '_' or '-'") {
				v.Check(!names[x.Name], field+".name", "repeats the name of another variation")
				names[x.Name] = true
			}
			if typed {
				v.Check(checkValue(f.Type, x.Value), field+".value", "must be a "+string(f.Type)+typeHint(f.Type))
			}
		}
	}
	v.Check(!listed || names[f.DefaultVariation], "default_variation", "must name one of the variations")
	v.Check(!listed || names[f.OffVariation], "off_variation", "must name one of the variations")
	v.Check(!listed || names[f.TargetVariation], "target_variation", "must name one of the variations")
	if v.Check(len(f.Rules) <= MaxRules, "rules", "must list at most 20 rules") {
		seen := map[string]bool{}
		for i, r := range f.Rules {
			field := "rules[" + strconv.Itoa(i) + "]"
			if v.Check(ValidKey(r.Segment), field+".segment", "must be a segment key") {
				v.Check(!seen[r.Segment], field+".segment", "repeats the segment of an earlier rule")
				seen[r.Segment] = true
			}
			v.Check(!listed || names[r.Variation], field+".variation", "must name one of the variations")
		}
	}
	return v.Err()
}

func typeHint(t Type) string {
	if t == JSON {
		return " (an object or an array, at most 8 KiB)"
	}
	return ""
}

// variation returns the named variation.
func (f Flag) variation(name string) (Variation, bool) {
	for _, x := range f.Variations {
		if x.Name == name {
			return x, true
		}
	}
	return Variation{}, false
}

// validate checks a segment's definition.
func (s Segment) validate() error {
	var v ports.Validation
	v.Check(ValidKey(s.Key), "key", "must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit")
	n := utf8.RuneCountInString(s.Name)
	v.Check(n >= 1 && n <= MaxNameLength, "name", "must be 1 to 100 characters")
	v.Check(utf8.RuneCountInString(s.Description) <= MaxDescriptionLength, "description", "must be at most 1000 characters")
	return v.Err()
}

// CheckEvaluated checks a context given for evaluation: its key may be empty (flags that target
// nobody evaluate without one), its kind set (normalize first).
func CheckEvaluated(c Context) error {
	var v ports.Validation
	v.Check(utf8.RuneCountInString(c.Key) <= MaxContextKeyLength && utf8.ValidString(c.Key), "context.key", "must be at most 256 characters")
	v.Check(kindPattern.MatchString(c.Kind), "context.kind", "must be lower case letters, digits, _ or -, starting with a letter (at most 40)")
	return v.Err()
}

// sameValue reports whether two decoded JSON values are equal (maps compare by content).
func sameValue(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

func itoa(i int) string { return strconv.Itoa(i) }
