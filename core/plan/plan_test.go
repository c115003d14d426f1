package plan

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/ports"
)

var iso = money.Table{"USD": 2, "JPY": 0, "BHD": 3}

// standard is the specification's example plan.
func standard() Input {
	zero := 0
	return Input{Name: "Standard HD", Description: "string", Price: "9.99", Currency: "USD", IsActive: true, Terms: Terms{
		BillingCycle: CycleMonthly, MaxProfiles: 1, MaxConcurrentStreams: 1, MaxDevices: 1, MaxQuality: QualitySD, HasDownloads: true,
		AllowDownloadCount: &zero, HasAds: true, HasHDR: true, HasDolbyAtmos: true, TrialDays: 0}}
}

func fieldsOf(err error) []string {
	var out []string
	for _, f := range ports.AsError(err).Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestInputDescribesThePlan(t *testing.T) {
	t.Parallel()
	in := standard()
	in.Name, in.Currency = "  Standard HD ", "usd"
	p, err := in.plan(iso)
	require.NoError(t, err)
	zero := 0
	require.Equal(t, Plan{Name: "Standard HD", Description: "string", Price: money.Amount{Minor: 999, Digits: 2, Currency: "USD"},
		IsActive: true, Terms: Terms{BillingCycle: CycleMonthly, MaxProfiles: 1, MaxConcurrentStreams: 1, MaxDevices: 1,
			MaxQuality: QualitySD, HasDownloads: true, AllowDownloadCount: &zero, HasAds: true, HasHDR: true, HasDolbyAtmos: true}}, p)
	*in.AllowDownloadCount = 5
	require.Equal(t, 0, *p.AllowDownloadCount, "the plan keeps its own copy")

	in = standard()
	in.Price, in.Currency, in.AllowDownloadCount = "1200", "JPY", nil
	p, err = in.plan(iso)
	require.NoError(t, err)
	require.Equal(t, money.Amount{Minor: 1200, Digits: 0, Currency: "JPY"}, p.Price)
	require.Nil(t, p.AllowDownloadCount, "null is unlimited")
}

func TestInputNamesEveryFieldAtFault(t *testing.T) {
	t.Parallel()
	bad := -1
	in := Input{Name: " ", Description: strings.Repeat("d", 501), Price: "9.99", Currency: "XYZ", Terms: Terms{BillingCycle: "weekly",
		MaxProfiles: 7, MaxConcurrentStreams: 0, MaxDevices: 21, MaxQuality: "4K", AllowDownloadCount: &bad, TrialDays: -1}}
	p, err := in.plan(iso)
	require.ElementsMatch(t, []string{"name", "description", "currency", "billing_cycle", "max_profiles", "max_concurrent_streams",
		"max_devices", "max_quality", "allow_download_count", "trial_days"}, fieldsOf(err))
	require.Equal(t, Plan{}, p)

	for _, c := range []struct {
		change func(*Input)
		field  string
	}{
		{func(in *Input) { in.Price = "9.999" }, "price"},
		{func(in *Input) { in.Price, in.Currency = "9.5", "JPY" }, "price"},
		{func(in *Input) { in.Price = "-1" }, "price"},
		{func(in *Input) { in.Price = "10000000000" }, "price"},
		{func(in *Input) { in.Name = strings.Repeat("n", 101) }, "name"},
		{func(in *Input) { in.MaxProfiles = 0 }, "max_profiles"},
		{func(in *Input) { in.MaxConcurrentStreams = 9 }, "max_concurrent_streams"},
		{func(in *Input) { in.TrialDays = MaxTrialDays + 1 }, "trial_days"},
		{func(in *Input) { n := 3; in.HasDownloads, in.AllowDownloadCount = false, &n }, "allow_download_count"},
		{func(in *Input) { n := MaxDownloadCount + 1; in.AllowDownloadCount = &n }, "allow_download_count"},
	} {
		in := standard()
		c.change(&in)
		_, err := in.plan(iso)
		require.Equal(t, []string{c.field}, fieldsOf(err), c.field)
	}
	for _, edge := range []func(*Input){
		func(in *Input) { in.Price = "0" },
		func(in *Input) { in.Price, in.Currency = "9.995", "BHD" },
		func(in *Input) { in.Name = strings.Repeat("名", 100) },
		func(in *Input) { in.MaxProfiles, in.MaxConcurrentStreams, in.MaxDevices = 6, 8, 20 },
		func(in *Input) { in.TrialDays = MaxTrialDays },
		func(in *Input) { in.HasDownloads = false },
		func(in *Input) { in.BillingCycle, in.MaxQuality = CycleSemiAnnual, QualityUHD8K },
	} {
		in := standard()
		edge(&in)
		_, err := in.plan(iso)
		require.NoError(t, err)
	}
}

func TestChangedNamesWhatDiffers(t *testing.T) {
	t.Parallel()
	a, err := standard().plan(iso)
	require.NoError(t, err)
	a.ID, a.Version = "kept", 3
	require.Empty(t, changed(a, a))
	in := standard()
	in.Price, in.AllowDownloadCount, in.IsActive = "12.50", nil, false
	w, err := in.plan(iso)
	require.NoError(t, err)
	b := a.with(w)
	require.Equal(t, "kept", b.ID, "with keeps what admins do not write")
	require.Equal(t, 3, b.Version)
	require.Equal(t, []string{"price", "allow_download_count", "is_active"}, changed(a, b))
	c := b
	two := 2
	c.AllowDownloadCount = &two
	one := 2
	d := c
	d.AllowDownloadCount = &one
	require.Empty(t, changed(c, d), "equal counts behind different pointers are no change")
}
