package flag

import (
	"cmp"
	"encoding/binary"
	"errors"
	"hash/fnv"
	"slices"
	"strconv"
)

// Reason says why an evaluation gave its value, in OpenFeature's words.
type Reason string

// The reasons evaluation gives.
const (
	// ReasonDisabled: the flag is off; the off variation.
	ReasonDisabled Reason = "DISABLED"
	// ReasonTargetingMatch: an individual target or a segment rule matched the context.
	ReasonTargetingMatch Reason = "TARGETING_MATCH"
	// ReasonDefault: the flag is on and nothing targets the context; the default variation.
	ReasonDefault Reason = "DEFAULT"
	// ReasonStatic: the flag is on and targets nothing, so every context gets the default.
	ReasonStatic Reason = "STATIC"
)

// Evaluation errors (sentinels: returning them allocates nothing).
var (
	// ErrFlagNotFound: the client has no flag of that key.
	ErrFlagNotFound = errors.New("flag not found")
	// ErrTargetingKeyMissing: the flag targets contexts but the context has no key.
	ErrTargetingKeyMissing = errors.New("targeting key missing")
)

// Target is an individual target of a flag, as stored.
type Target struct {
	FlagKey string
	Context
	// PartnerID owns the target; empty for the client's own.
	PartnerID string
}

// Member is a context included in a segment, as stored.
type Member struct {
	SegmentKey string
	Context
	PartnerID string
}

// Definitions is everything a client's evaluation needs, as loaded from the store.
type Definitions struct {
	Flags   []Flag
	Targets []Target
	Members []Member
}

// Result is one evaluation.
type Result struct {
	Key     string
	Value   any
	Variant string
	Reason  Reason
	// On is whether the flag is on.
	On      bool
	Version int
}

// Snapshot is one client's flags compiled for evaluation: immutable once built, so any number of
// requests evaluate over it at once without locks; a change builds a new snapshot.
type Snapshot struct {
	flags map[string]*compiled
	keys  []string
	etag  string
}

type compiled struct {
	key     string
	version int
	on      bool
	static  bool
	names   []string
	values  []any
	off     int
	def     int
	target  int
	targets map[Context]struct{}
	rules   []rule
}

type rule struct {
	members   map[Context]struct{}
	variation int
}

// Compile builds the snapshot of a client's definitions. Targets and members of unknown flags,
// segments or variations (none should exist: the store cascades) are ignored.
func Compile(d Definitions) *Snapshot {
	segments := map[string]map[Context]struct{}{}
	for _, m := range d.Members {
		set := segments[m.SegmentKey]
		if set == nil {
			set = map[Context]struct{}{}
			segments[m.SegmentKey] = set
		}
		set[m.Context] = struct{}{}
	}
	targets := map[string][]Target{}
	for _, t := range d.Targets {
		targets[t.FlagKey] = append(targets[t.FlagKey], t)
	}
	s := &Snapshot{flags: make(map[string]*compiled, len(d.Flags))}
	for _, f := range d.Flags {
		c := &compiled{key: f.Key, version: f.Version, on: f.On, names: make([]string, len(f.Variations)), values: make([]any, len(f.Variations))}
		index := make(map[string]int, len(f.Variations))
		for i, v := range f.Variations {
			c.names[i], c.values[i], index[v.Name] = v.Name, v.Value, i
		}
		c.off, c.def = index[f.OffVariation], index[f.DefaultVariation]
		for _, r := range f.Rules {
			if i, ok := index[r.Variation]; ok {
				members := segments[r.Segment]
				if members == nil {
					members = map[Context]struct{}{}
				}
				c.rules = append(c.rules, rule{members: members, variation: i})
			}
		}
		c.target, c.targets = index[f.TargetVariation], make(map[Context]struct{}, len(targets[f.Key]))
		for _, t := range targets[f.Key] {
			c.targets[t.Context] = struct{}{}
		}
		c.static = len(c.targets) == 0 && len(c.rules) == 0
		s.flags[f.Key] = c
		s.keys = append(s.keys, f.Key)
	}
	slices.Sort(s.keys)
	s.etag = fingerprint(d)
	return s
}

// ETag identifies the snapshot's content: equal definitions give equal tags in every process.
func (s *Snapshot) ETag() string { return s.etag }

// Keys lists the flag keys in order.
func (s *Snapshot) Keys() []string { return s.keys }

// Has reports whether the client has the flag.
func (s *Snapshot) Has(key string) bool { _, ok := s.flags[key]; return ok }

// Evaluate evaluates a flag for a context in the documented order (see the package): off,
// individual targets, segment rules in order, default. A context without a kind is of kind
// "user". It allocates nothing.
func (s *Snapshot) Evaluate(key string, ctx Context) (Result, error) {
	c, ok := s.flags[key]
	if !ok {
		return Result{Key: key}, ErrFlagNotFound
	}
	if ctx.Kind == "" {
		ctx.Kind = DefaultKind
	}
	switch {
	case !c.on:
		return c.result(c.off, ReasonDisabled), nil
	case c.static:
		return c.result(c.def, ReasonStatic), nil
	case ctx.Key == "":
		return Result{Key: key, On: true, Version: c.version}, ErrTargetingKeyMissing
	}
	if _, ok := c.targets[ctx]; ok {
		return c.result(c.target, ReasonTargetingMatch), nil
	}
	for _, r := range c.rules {
		if _, ok := r.members[ctx]; ok {
			return c.result(r.variation, ReasonTargetingMatch), nil
		}
	}
	return c.result(c.def, ReasonDefault), nil
}

func (c *compiled) result(i int, reason Reason) Result {
	return Result{Key: c.key, Value: c.values[i], Variant: c.names[i], Reason: reason, On: c.on, Version: c.version}
}

// fingerprint hashes the definitions in a canonical order.
func fingerprint(d Definitions) string {
	h := fnv.New64a()
	write := func(ss ...string) {
		for _, s := range ss {
			var n [4]byte
			binary.LittleEndian.PutUint32(n[:], uint32(len(s)))
			_, _ = h.Write(n[:])
			_, _ = h.Write([]byte(s))
		}
	}
	flags := slices.Clone(d.Flags)
	slices.SortFunc(flags, func(a, b Flag) int { return cmp.Compare(a.Key, b.Key) })
	for _, f := range flags {
		write(f.Key, strconv.Itoa(f.Version), strconv.FormatInt(f.UpdatedAt.UnixMicro(), 10))
	}
	targets := slices.Clone(d.Targets)
	slices.SortFunc(targets, func(a, b Target) int {
		return cmp.Or(cmp.Compare(a.FlagKey, b.FlagKey), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Key, b.Key),
			cmp.Compare(a.PartnerID, b.PartnerID))
	})
	for _, t := range targets {
		write("t", t.FlagKey, t.Kind, t.Key, t.PartnerID)
	}
	members := slices.Clone(d.Members)
	slices.SortFunc(members, func(a, b Member) int {
		return cmp.Or(cmp.Compare(a.SegmentKey, b.SegmentKey), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Key, b.Key),
			cmp.Compare(a.PartnerID, b.PartnerID))
	})
	for _, m := range members {
		write("m", m.SegmentKey, m.Kind, m.Key, m.PartnerID)
	}
	return strconv.FormatUint(h.Sum64(), 36)
}
