// Package flagapi holds the feature flag management routes that two surfaces share: the client's
// admins manage their own client's flags at /admin/... on the subscriber surface, and operators
// manage any client's at /platform/tenants/{tenant_id}/... on the platform surface. Both surfaces
// are flat (snake_case, no envelope, the flat error body), so the bodies and handlers are the
// same; only the prefix, the permission and where the tenant comes from differ (Scope).
package flagapi

import (
	"time"

	"github.com/stvos/stvos/core/flag"
)

// VariationBody is a named value of a flag.
type VariationBody struct {
	Name  string `json:"name" pattern:"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$" doc:"Unique within the flag."`
	Value any    `json:"value" doc:"A value of the flag's type: a boolean, a string, a number, or for json flags an object or an array."`
}

// RuleBody serves a variation to the contexts of a segment.
type RuleBody struct {
	Segment   string `json:"segment" doc:"A segment key of the client."`
	Variation string `json:"variation" doc:"The variation its contexts get."`
}

// FlagBody is a flag.
type FlagBody struct {
	Key              string          `json:"key"`
	Type             string          `json:"type" enum:"boolean,string,number,json"`
	Description      string          `json:"description"`
	Variations       []VariationBody `json:"variations"`
	DefaultVariation string          `json:"default_variation" doc:"Served when the flag is on and nothing targets the context."`
	OffVariation     string          `json:"off_variation" doc:"Served while the flag is off."`
	TargetVariation  string          `json:"target_variation" doc:"Served to contexts targeted individually (a partner's targeting)."`
	Rules            []RuleBody      `json:"rules" doc:"In order: the first rule whose segment includes the context serves its variation."`
	On               bool            `json:"on"`
	Version          int             `json:"version" doc:"Counts changes; the ETag."`
	CreatedAt        time.Time       `json:"created_at"`
	UpdatedAt        time.Time       `json:"updated_at"`
}

func flagBody(f flag.Flag) FlagBody {
	b := FlagBody{Key: f.Key, Type: string(f.Type), Description: f.Description, Variations: make([]VariationBody, len(f.Variations)),
		DefaultVariation: f.DefaultVariation, OffVariation: f.OffVariation, TargetVariation: f.TargetVariation,
		Rules: make([]RuleBody, len(f.Rules)), On: f.On, Version: f.Version, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt}
	for i, v := range f.Variations {
		b.Variations[i] = VariationBody(v)
	}
	for i, r := range f.Rules {
		b.Rules[i] = RuleBody(r)
	}
	return b
}

func variations(vs []VariationBody) []flag.Variation {
	out := make([]flag.Variation, len(vs))
	for i, v := range vs {
		out[i] = flag.Variation(v)
	}
	return out
}

func rules(rs []RuleBody) []flag.Rule {
	out := make([]flag.Rule, len(rs))
	for i, r := range rs {
		out[i] = flag.Rule(r)
	}
	return out
}

// CreateFlagBody is a new flag.
type CreateFlagBody struct {
	Key              string          `json:"key" pattern:"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$" doc:"Unique in the client; what apps evaluate."`
	Type             string          `json:"type" enum:"boolean,string,number,json"`
	Description      string          `json:"description,omitempty" maxLength:"1000"`
	Variations       []VariationBody `json:"variations" minItems:"1" maxItems:"20"`
	DefaultVariation string          `json:"default_variation"`
	OffVariation     string          `json:"off_variation"`
	TargetVariation  string          `json:"target_variation,omitempty" doc:"Default: the variation whose value is true for boolean flags, else the default variation."`
	Rules            []RuleBody      `json:"rules,omitempty" maxItems:"20"`
	On               bool            `json:"on,omitempty" doc:"Default false: a new flag serves its off variation until turned on."`
}

// PatchFlagBody changes some fields of a flag; absent fields stay. The key and type never change.
type PatchFlagBody struct {
	Description      *string          `json:"description,omitempty" maxLength:"1000"`
	Variations       *[]VariationBody `json:"variations,omitempty" minItems:"1" maxItems:"20"`
	DefaultVariation *string          `json:"default_variation,omitempty"`
	OffVariation     *string          `json:"off_variation,omitempty"`
	TargetVariation  *string          `json:"target_variation,omitempty"`
	Rules            *[]RuleBody      `json:"rules,omitempty" maxItems:"20"`
	On               *bool            `json:"on,omitempty"`
}

func (p PatchFlagBody) patch() flag.FlagPatch {
	out := flag.FlagPatch{Description: p.Description, DefaultVariation: p.DefaultVariation, OffVariation: p.OffVariation,
		TargetVariation: p.TargetVariation, On: p.On}
	if p.Variations != nil {
		out.Variations = variations(*p.Variations)
	}
	if p.Rules != nil {
		rs := rules(*p.Rules)
		out.Rules = &rs
	}
	return out
}

// SegmentBody is a segment.
type SegmentBody struct {
	Key         string    `json:"key"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Contexts    int       `json:"contexts" doc:"How many contexts the segment includes, of every owner."`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func segmentBody(s flag.Segment) SegmentBody {
	return SegmentBody{Key: s.Key, Name: s.Name, Description: s.Description, Contexts: s.Contexts, Version: s.Version,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
}

// CreateSegmentBody is a new segment.
type CreateSegmentBody struct {
	Key         string `json:"key" pattern:"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"`
	Name        string `json:"name" minLength:"1" maxLength:"100"`
	Description string `json:"description,omitempty" maxLength:"1000"`
}

// PatchSegmentBody changes a segment's name or description.
type PatchSegmentBody struct {
	Name        *string `json:"name,omitempty" minLength:"1" maxLength:"100"`
	Description *string `json:"description,omitempty" maxLength:"1000"`
}

// ContextBody is a context: an entity of a kind named by its key.
type ContextBody struct {
	Key  string `json:"key" minLength:"1" maxLength:"256" doc:"Context key (e.g., user or entity id)"`
	Kind string `json:"kind,omitempty" default:"user" doc:"Context kind"`
}

// Contexts converts context bodies.
func Contexts(cs []ContextBody) []flag.Context {
	out := make([]flag.Context, len(cs))
	for i, c := range cs {
		out[i] = flag.Context{Kind: c.Kind, Key: c.Key}
	}
	return out
}

// ContextsBody is a list of contexts to add or remove.
type ContextsBody struct {
	Contexts []ContextBody `json:"contexts" minItems:"1" maxItems:"1000" doc:"Contexts to add or remove"`
}

// CountBody answers how many contexts a change added, removed or uploaded.
type CountBody struct {
	Count int `json:"count" doc:"Contexts added, removed or now included; ones already there (or absent) are not counted."`
}

// ScheduleBody is a scheduled change of a flag.
type ScheduleBody struct {
	ID        string     `json:"id" format:"uuid"`
	FlagKey   string     `json:"flag_key"`
	Action    string     `json:"action" enum:"turn_on,turn_off,set_default"`
	Variation string     `json:"variation,omitempty" doc:"The new default variation of set_default."`
	RunAt     time.Time  `json:"run_at"`
	Status    string     `json:"status" enum:"pending,done,canceled,failed"`
	Detail    string     `json:"detail,omitempty" doc:"Why a change failed."`
	CreatedAt time.Time  `json:"created_at"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
}

func scheduleBody(s flag.Schedule) ScheduleBody {
	return ScheduleBody{ID: s.ID, FlagKey: s.FlagKey, Action: string(s.Action), Variation: s.Variation, RunAt: s.RunAt,
		Status: string(s.Status), Detail: s.Detail, CreatedAt: s.CreatedAt, DoneAt: s.DoneAt}
}

// CreateScheduleBody asks for a change at a time.
type CreateScheduleBody struct {
	Action    string    `json:"action" enum:"turn_on,turn_off,set_default"`
	Variation string    `json:"variation,omitempty" doc:"For set_default: the variation that becomes the default."`
	RunAt     time.Time `json:"run_at" doc:"When (RFC 3339); a time up to 5 minutes past runs at once."`
}
