package flag

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

func boolFlag(key string, on bool, rules ...Rule) Flag {
	return Flag{Key: key, Type: Boolean, Variations: []Variation{{"on", true}, {"off", false}}, DefaultVariation: "off",
		OffVariation: "off", TargetVariation: "on", Rules: rules, On: on, Version: 3}
}

func TestEvaluationOrder(t *testing.T) {
	t.Parallel()
	banner := Flag{Key: "banner", Type: String, Variations: []Variation{{"blue", "blue"}, {"red", "red"}, {"green", "green"}, {"grey", "grey"}},
		DefaultVariation: "blue", OffVariation: "grey", TargetVariation: "red",
		Rules: []Rule{{Segment: "beta", Variation: "green"}, {Segment: "staff", Variation: "grey"}}, On: true, Version: 7}
	snap := Compile(Definitions{
		Flags: []Flag{banner, boolFlag("static", true), boolFlag("dark", false)},
		Targets: []Target{{FlagKey: "banner", Context: Context{"user", "ann"}, PartnerID: "p1"},
			{FlagKey: "banner", Context: Context{"device", "tv-1"}}},
		Members: []Member{{SegmentKey: "beta", Context: Context{"user", "bob"}}, {SegmentKey: "beta", Context: Context{"user", "ann"}},
			{SegmentKey: "staff", Context: Context{"user", "bob"}}, {SegmentKey: "staff", Context: Context{"user", "cy"}}},
	})
	cases := []struct {
		flag    string
		ctx     Context
		variant string
		reason  Reason
		err     error
	}{
		{"banner", Context{"user", "ann"}, "red", ReasonTargetingMatch, nil},    // targets before segments
		{"banner", Context{"", "ann"}, "red", ReasonTargetingMatch, nil},        // kind user by default
		{"banner", Context{"device", "ann"}, "blue", ReasonDefault, nil},        // kinds differ
		{"banner", Context{"device", "tv-1"}, "red", ReasonTargetingMatch, nil}, // the client's own target
		{"banner", Context{"user", "bob"}, "green", ReasonTargetingMatch, nil},  // first matching rule wins
		{"banner", Context{"user", "cy"}, "grey", ReasonTargetingMatch, nil},    // second rule
		{"banner", Context{"user", "dee"}, "blue", ReasonDefault, nil},          // default
		{"banner", Context{"user", ""}, "", "", ErrTargetingKeyMissing},         // targeting needs a key
		{"static", Context{}, "off", ReasonStatic, nil},                         // nothing targeted: static
		{"dark", Context{"user", "ann"}, "off", ReasonDisabled, nil},            // off before anything
		{"dark", Context{}, "off", ReasonDisabled, nil},                         // off needs no key
		{"missing", Context{"user", "ann"}, "", "", ErrFlagNotFound},            // unknown flag
	}
	for _, c := range cases {
		r, err := snap.Evaluate(c.flag, c.ctx)
		require.ErrorIs(t, err, c.err, "%+v", c)
		require.Equal(t, c.variant, r.Variant, "%+v", c)
		require.Equal(t, c.reason, r.Reason, "%+v", c)
		require.Equal(t, c.flag, r.Key)
	}
	r, _ := snap.Evaluate("banner", Context{"user", "bob"})
	require.Equal(t, "green", r.Value)
	require.Equal(t, 7, r.Version)
	require.True(t, r.On)

	// Turning the flag off wins over targets; the tag changes with the definitions.
	banner.On, banner.Version = false, 8
	off := Compile(Definitions{Flags: []Flag{banner}, Targets: []Target{{FlagKey: "banner", Context: Context{"user", "ann"}}}})
	r, err := off.Evaluate("banner", Context{"user", "ann"})
	require.NoError(t, err)
	require.Equal(t, "grey", r.Variant)
	require.Equal(t, ReasonDisabled, r.Reason)
	require.NotEqual(t, snap.ETag(), off.ETag())
	require.Equal(t, off.ETag(), Compile(Definitions{Flags: []Flag{banner}, Targets: []Target{{FlagKey: "banner", Context: Context{"user", "ann"}}}}).ETag())
	require.Equal(t, []string{"banner", "dark", "static"}, snap.Keys())
}

func TestFlagValidation(t *testing.T) {
	t.Parallel()
	ok := boolFlag("new-checkout", true)
	require.NoError(t, ok.validate())
	fieldsOf := func(err error) []string {
		var out []string
		for _, f := range ports.AsError(err).Fields {
			out = append(out, f.Field)
		}
		return out
	}
	bad := Flag{Key: "-x", Type: "integer", Variations: []Variation{{"a", 1.0}}, DefaultVariation: "z", OffVariation: "a", TargetVariation: "a"}
	require.ElementsMatch(t, []string{"key", "type", "default_variation"}, fieldsOf(bad.validate()))
	for _, c := range []struct {
		change func(*Flag)
		field  string
	}{
		{func(f *Flag) { f.Variations[0].Value = "yes" }, "variations[0].value"},
		{func(f *Flag) { f.Variations = append(f.Variations, Variation{"on", true}) }, "variations[2].name"},
		{func(f *Flag) { f.Variations = nil }, "variations"},
		{func(f *Flag) { f.OffVariation = "nope" }, "off_variation"},
		{func(f *Flag) { f.Rules = []Rule{{Segment: "beta", Variation: "maybe"}} }, "rules[0].variation"},
		{func(f *Flag) { f.Rules = []Rule{{"beta", "on"}, {"beta", "off"}} }, "rules[1].segment"},
		{func(f *Flag) { f.Type, f.Variations = Number, []Variation{{"on", 1.5}, {"off", "0"}} }, "variations[1].value"},
		{func(f *Flag) { f.Type, f.Variations = JSON, []Variation{{"on", map[string]any{}}, {"off", 3.0}} }, "variations[1].value"},
	} {
		f := boolFlag("x", true)
		f.Variations = []Variation{{"on", true}, {"off", false}}
		c.change(&f)
		require.Equal(t, []string{c.field}, fieldsOf(f.validate()), c.field)
	}
}

func TestCacheKeepsNoLoadRacingAChange(t *testing.T) {
	t.Parallel()
	c := NewCache()
	now := time.Now()
	first := Compile(Definitions{Flags: []Flag{boolFlag("a", true)}})
	got, err := c.load("t", now, time.Minute, func() (*Snapshot, error) {
		c.Invalidate("t") // a change committed while this load read the store
		return first, nil
	})
	require.NoError(t, err)
	require.Same(t, first, got, "the caller gets what it read")
	_, ok := c.get("t", now, time.Minute)
	require.False(t, ok, "but it is not kept: it may predate the change")

	_, err = c.load("t", now, time.Minute, func() (*Snapshot, error) { return first, nil })
	require.NoError(t, err)
	cached, ok := c.get("t", now, time.Minute)
	require.True(t, ok)
	require.Same(t, first, cached)
	_, ok = c.get("t", now.Add(2*time.Minute), time.Minute)
	require.False(t, ok, "an old snapshot is reloaded")
	c.Reset()
	_, ok = c.get("t", now, time.Minute)
	require.False(t, ok)
}

// BenchmarkEvaluate evaluates a flag with 1000 individual targets and two segment rules over
// 10000 members, for contexts that hit each step of the order in turn. Per core: -cpu 1.
//
//	go test ./core/flag -run '^$' -bench Evaluate -benchmem -cpu 1 -benchtime 1s -count 1
func BenchmarkEvaluate(b *testing.B) {
	f := Flag{Key: "checkout", Type: String, Variations: []Variation{{"a", "a"}, {"b", "b"}, {"c", "c"}, {"off", "off"}},
		DefaultVariation: "a", OffVariation: "off", TargetVariation: "b",
		Rules: []Rule{{Segment: "beta", Variation: "c"}, {Segment: "gamma", Variation: "b"}}, On: true, Version: 1}
	d := Definitions{Flags: []Flag{f}}
	for i := range 100 {
		d.Flags = append(d.Flags, boolFlag("other-"+strconv.Itoa(i), i%2 == 0))
	}
	for i := range 1000 {
		d.Targets = append(d.Targets, Target{FlagKey: "checkout", Context: Context{"user", "t-" + strconv.Itoa(i)}})
	}
	for i := range 10000 {
		d.Members = append(d.Members, Member{SegmentKey: []string{"beta", "gamma"}[i%2], Context: Context{"user", "m-" + strconv.Itoa(i)}})
	}
	snap := Compile(d)
	ctxs := []Context{{"user", "t-500"}, {"user", "m-42"}, {"user", "m-43"}, {"user", "nobody"}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := snap.Evaluate("checkout", ctxs[i&3]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}
