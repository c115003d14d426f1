// Package plan is a client's subscription plans: what a subscription costs, how often it bills,
// and what it allows (profiles, concurrent streams, devices, quality, downloads, ads). The
// client's admins create and change plans; subscribers choose among the active ones. A plan is
// never deleted: deactivating it blocks new subscriptions, and existing ones continue.
package plan

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/ports"
)

// The billing cycles.
const (
	CycleMonthly    = "monthly"
	CycleQuarterly  = "quarterly"
	CycleSemiAnnual = "semi_annual"
	CycleAnnual     = "annual"
)

// The playback qualities, lowest first.
const (
	QualitySD    = "SD"
	QualityHD    = "HD"
	QualityFHD   = "FHD"
	QualityUHD4K = "UHD_4K"
	QualityUHD8K = "UHD_8K"
)

// Cycles and Qualities list the allowed values, in order.
var (
	Cycles    = []string{CycleMonthly, CycleQuarterly, CycleSemiAnnual, CycleAnnual}
	Qualities = []string{QualitySD, QualityHD, QualityFHD, QualityUHD4K, QualityUHD8K}
)

// Limits of plan fields, as the subscriber management specification states them. The
// specification bounds trial days and download counts only below; the upper bounds here keep
// later date and count arithmetic far from overflow.
const (
	MaxNameLength        = 100
	MaxDescriptionLength = 500
	MaxProfiles          = 6
	MaxConcurrentStreams = 8
	MaxDevices           = 20
	MaxTrialDays         = 3650
	MaxDownloadCount     = 1000
	DefaultPageSize      = 20
	MaxPageSize          = 100
)

// Plan is one subscription plan.
type Plan struct {
	ID          string
	TenantID    string
	Name        string
	Description string
	// Price is what one billing cycle costs, exact.
	Price money.Amount
	Terms
	// IsActive false blocks new subscriptions; existing ones continue.
	IsActive  bool
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version counts changes, from 1; it is the plan's ETag.
	Version int
}

// Terms are what a subscription to a plan gets, and how it bills.
type Terms struct {
	BillingCycle         string
	MaxProfiles          int
	MaxConcurrentStreams int
	MaxDevices           int
	MaxQuality           string
	HasDownloads         bool
	// AllowDownloadCount bounds simultaneous downloads per profile; nil is unlimited.
	AllowDownloadCount *int
	HasAds             bool
	HasHDR             bool
	HasDolbyAtmos      bool
	TrialDays          int
}

// Input is what an admin writes of a plan: every field, on create and on replace alike.
type Input struct {
	Name        string
	Description string
	// Price is an exact decimal ("9.99") with at most the currency's minor digits.
	Price    string
	Currency string
	Terms
	IsActive bool
}

// plan validates the input and answers the plan it describes: name, description, price, terms
// and whether active, nothing else set. Fields are named as the API names them; text is trimmed
// and the currency upper-cased first.
func (in Input) plan(currencies ports.Currencies) (Plan, error) {
	name := strings.TrimSpace(in.Name)
	var v ports.Validation
	n := utf8.RuneCountInString(name)
	v.Check(n >= 1 && n <= MaxNameLength, "name", "must be 1 to 100 characters")
	v.Check(utf8.RuneCountInString(in.Description) <= MaxDescriptionLength, "description", "must be at most 500 characters")
	price, _ := money.Read(&v, currencies, in.Price, strings.ToUpper(strings.TrimSpace(in.Currency)), "price", "currency")
	v.Check(slices.Contains(Cycles, in.BillingCycle), "billing_cycle", "must be monthly, quarterly, semi_annual or annual")
	v.Check(in.MaxProfiles >= 1 && in.MaxProfiles <= MaxProfiles, "max_profiles", "must be between 1 and 6")
	v.Check(in.MaxConcurrentStreams >= 1 && in.MaxConcurrentStreams <= MaxConcurrentStreams, "max_concurrent_streams",
		"must be between 1 and 8")
	v.Check(in.MaxDevices >= 1 && in.MaxDevices <= MaxDevices, "max_devices", "must be between 1 and 20")
	v.Check(slices.Contains(Qualities, in.MaxQuality), "max_quality", "must be SD, HD, FHD, UHD_4K or UHD_8K")
	if c := in.AllowDownloadCount; c != nil && v.Check(*c >= 0 && *c <= MaxDownloadCount, "allow_download_count",
		"must be between 0 and 1000, or null for unlimited") {
		v.Check(in.HasDownloads || *c == 0, "allow_download_count", "must be null or 0 when has_downloads is false")
	}
	v.Check(in.TrialDays >= 0 && in.TrialDays <= MaxTrialDays, "trial_days", "must be between 0 and 3650")
	if err := v.Err(); err != nil {
		return Plan{}, err
	}
	p := Plan{Name: name, Description: in.Description, Price: price, Terms: in.Terms, IsActive: in.IsActive}
	if c := in.AllowDownloadCount; c != nil {
		count := *c // the plan keeps its own
		p.AllowDownloadCount = &count
	}
	return p, nil
}

// with answers p carrying what an admin writes of w: name, description, price, terms and whether
// active.
func (p Plan) with(w Plan) Plan {
	p.Name, p.Description, p.Price, p.Terms, p.IsActive = w.Name, w.Description, w.Price, w.Terms, w.IsActive
	return p
}

// changed names, as the API does, the fields whose values differ between two versions of a plan.
func changed(a, b Plan) []string {
	var out []string
	add := func(differ bool, field string) {
		if differ {
			out = append(out, field)
		}
	}
	add(a.Name != b.Name, "name")
	add(a.Description != b.Description, "description")
	add(a.Price.Minor != b.Price.Minor || a.Price.Digits != b.Price.Digits, "price")
	add(a.Price.Currency != b.Price.Currency, "currency")
	add(a.BillingCycle != b.BillingCycle, "billing_cycle")
	add(a.MaxProfiles != b.MaxProfiles, "max_profiles")
	add(a.MaxConcurrentStreams != b.MaxConcurrentStreams, "max_concurrent_streams")
	add(a.MaxDevices != b.MaxDevices, "max_devices")
	add(a.MaxQuality != b.MaxQuality, "max_quality")
	add(a.HasDownloads != b.HasDownloads, "has_downloads")
	add((a.AllowDownloadCount == nil) != (b.AllowDownloadCount == nil) ||
		(a.AllowDownloadCount != nil && *a.AllowDownloadCount != *b.AllowDownloadCount), "allow_download_count")
	add(a.HasAds != b.HasAds, "has_ads")
	add(a.HasHDR != b.HasHDR, "has_hdr")
	add(a.HasDolbyAtmos != b.HasDolbyAtmos, "has_dolby_atmos")
	add(a.TrialDays != b.TrialDays, "trial_days")
	add(a.IsActive != b.IsActive, "is_active")
	return out
}
