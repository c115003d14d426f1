package e2e

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// TestPartnerMembersAnalyticsBilling: members registered with a partner's codes, their viewing
// (written as playback sessions at chosen times), and every report of the portal over them,
// with the one rule of "active" (a minute watched in the period) applied alike.
func TestPartnerMembersAnalyticsBilling(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "reports-a", nil)
	idB, keyB := onboard(t, op, "reports-b", nil)
	_, staff1 := partnerStaff(t, srv, op, idA, "Gym One", "owner@reports-one.test", "owner")
	_, staff2 := partnerStaff(t, srv, op, idA, "Gym Two", "owner@reports-two.test", "owner")
	_, staffB := partnerStaff(t, srv, op, idB, "Other", "owner@reports-b.test", "owner")
	adm := admin(t, srv, op, idA, keyA, "admin@reports-a.test")
	classes := catalogOf(t, adm, map[string]map[string]any{
		"Morning Yoga": {"category": "Yoga", "duration_seconds": 1800},
		"Power HIIT":   {"category": "HIIT", "duration_seconds": 2700},
	})
	app := newClient(t, srv.URL).with("X-API-Key", keyA)
	codes := vouchersOf(data(t, staff1.with("X-API-Key", keyA).call("POST", "/partner/vouchers", map[string]any{"quantity": 3}), http.StatusCreated))
	code2 := vouchersOf(data(t, staff2.with("X-API-Key", keyA).call("POST", "/partner/vouchers", map[string]any{"quantity": 1}), http.StatusCreated))[0]["code"]
	users := map[string]string{}
	for i, who := range []struct{ email, name, code string }{
		{"m1@reports.test", "Ann Active", codes[0]["code"].(string)},
		{"m2@reports.test", "Bob Brief", codes[1]["code"].(string)},
		{"m3@reports.test", "=HYPERLINK(\"http://x\")", codes[2]["code"].(string)},
		{"m4@reports.test", "Other Gym", code2.(string)},
		{"m5@reports.test", "No Partner", ""},
	} {
		r := app.call("POST", "/auth/register", map[string]string{"email": who.email, "password": demoPassword, "name": who.name, "voucherCode": who.code})
		require.Equal(t, http.StatusCreated, r.Status, "%d %s", i, r.Raw)
		users[who.email[:2]] = r.JSON["data"].(map[string]any)["user"].(map[string]any)["id"].(string)
	}

	// Viewing at chosen times (the owner role writes past row-level security).
	ctx := context.Background()
	db, err := pgx.Connect(ctx, srv.Config.DatabaseURL)
	require.NoError(t, err)
	defer db.Close(ctx)
	now := time.Now().UTC()
	june := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	watch := func(user, class string, at time.Time, seconds int, completed bool) {
		_, err := db.Exec(ctx, `INSERT INTO playback_sessions (tenant_id, id, user_id, class_id, started_at, last_beat_at, ended_at,
			watched_seconds, completed) VALUES ($1, gen_random_uuid(), $2, $3, $4, $4, $4, $5, $6)`, idA, users[user], classes[class], at, seconds, completed)
		require.NoError(t, err)
	}
	watch("m1", "Morning Yoga", now.Add(-time.Minute), 1800, true)
	watch("m1", "Power HIIT", now.Add(-10*24*time.Hour), 1200, false)
	watch("m1", "Morning Yoga", now.Add(-40*24*time.Hour), 3000, false)
	watch("m1", "Power HIIT", june, 600, false)
	watch("m2", "Morning Yoga", now.Add(-5*24*time.Hour), 30, false) // under a minute: not active
	watch("m2", "Morning Yoga", june.Add(24*time.Hour), 30, false)
	watch("m4", "Power HIIT", now.Add(-time.Hour), 3600, true) // Gym Two's member
	watch("m5", "Power HIIT", now.Add(-time.Hour), 600, false) // no partner's member
	_, err = db.Exec(ctx, `UPDATE partner_members SET joined_at = $2 WHERE user_id = $1`, users["m1"], now.Add(-45*24*time.Hour))
	require.NoError(t, err)

	// Members list: status by the rule, search, sort, pages; only Gym One's.
	list := func(c *client, q string) (map[string]any, []map[string]any) {
		d := data(t, c.call("GET", "/partner/members"+q, nil), http.StatusOK)
		var ms []map[string]any
		for _, m := range d["members"].([]any) {
			ms = append(ms, m.(map[string]any))
		}
		return d, ms
	}
	d, _ := list(staff1, "")
	require.Equal(t, 3.0, d["pagination"].(map[string]any)["total"])
	_, ms := list(staff1, "?status=active")
	require.Len(t, ms, 1)
	require.Equal(t, "Ann Active", ms[0]["name"])
	require.Equal(t, 110.0, ms[0]["totalWatchTimeMinutes"]) // 6,600 s all time
	require.Equal(t, 4.0, ms[0]["classesWatched"])
	require.Equal(t, 1.0, ms[0]["classesCompleted"])
	require.Equal(t, codes[0]["code"], ms[0]["voucherCode"])
	_, ms = list(staff1, "?status=inactive&sort=name")
	require.Len(t, ms, 2)
	require.Equal(t, "=HYPERLINK(\"http://x\")", ms[0]["name"])
	require.Equal(t, "inactive", ms[1]["status"])
	_, ms = list(staff1, "?sort=-watchTime&limit=1&page=2")
	require.Len(t, ms, 1)
	require.Equal(t, "Bob Brief", ms[0]["name"])
	_, ms = list(staff1, "?search=M2@REPORTS")
	require.Len(t, ms, 1)
	staff1.call("GET", "/partner/members?sort=password", nil).envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	_, ms = list(staff2, "")
	require.Len(t, ms, 1)
	require.Equal(t, "Other Gym", ms[0]["name"])
	_, ms = list(staffB, "")
	require.Empty(t, ms)

	// Member detail: aggregates and history; other partners' members and non-members are not found.
	det := data(t, staff1.call("GET", "/partner/members/"+users["m1"], nil), http.StatusOK)
	require.Equal(t, "active", det["status"])
	hist := det["viewingHistory"].([]any)
	require.Len(t, hist, 4)
	require.Equal(t, "Morning Yoga", hist[0].(map[string]any)["classTitle"])
	require.Equal(t, true, hist[0].(map[string]any)["completed"])
	require.Equal(t, 30.0, hist[0].(map[string]any)["watchedMinutes"])
	for _, who := range []string{"m4", "m5"} {
		staff1.call("GET", "/partner/members/"+users[who], nil).envelopedError(t, http.StatusNotFound, "MEMBER_NOT_FOUND")
	}
	staff2.call("GET", "/partner/members/"+users["m1"], nil).envelopedError(t, http.StatusNotFound, "MEMBER_NOT_FOUND")
	staffB.call("GET", "/partner/members/"+users["m1"], nil).envelopedError(t, http.StatusNotFound, "MEMBER_NOT_FOUND")

	// Dashboard: all-time totals, active in 30 days, trends against the 30 days before.
	dash := data(t, staff1.call("GET", "/partner/dashboard", nil), http.StatusOK)
	require.Equal(t, map[string]any{"totalMembers": 3.0, "activeMembers": 1.0, "totalWatchTimeMinutes": 111.0, "totalClassesWatched": 6.0,
		"trends": map[string]any{"membersChange": "+100%", "watchTimeChange": "+1%"}}, dash)
	require.Equal(t, 0.0, data(t, staffB.call("GET", "/partner/dashboard", nil), http.StatusOK)["totalMembers"])

	// Analytics: every day present, popular categories and classes, totals by the same rule.
	an := data(t, staff1.call("GET", "/partner/analytics?period=month", nil), http.StatusOK)
	days := an["watchTimeByDay"].([]any)
	require.Len(t, days, 30)
	require.Equal(t, now.Format(time.DateOnly), days[29].(map[string]any)["date"])
	require.Equal(t, now.AddDate(0, 0, -29).Format(time.DateOnly), an["period"].(map[string]any)["startDate"])
	sum := 0.0
	for _, dd := range days {
		sum += dd.(map[string]any)["minutes"].(float64)
	}
	require.InDelta(t, 51, sum, 2, "about 3,030 s over the days")
	cats := an["popularCategories"].([]any)
	require.Equal(t, "Yoga", cats[0].(map[string]any)["name"])
	require.Equal(t, 2.0, cats[0].(map[string]any)["views"])
	require.Equal(t, "Power HIIT", an["popularClasses"].([]any)[1].(map[string]any)["name"])
	require.Equal(t, map[string]any{"watchTimeMinutes": 51.0, "classesWatched": 3.0, "classesCompleted": 1.0, "activeMembers": 1.0, "totalMembers": 3.0},
		an["totals"])
	week := data(t, staff1.call("GET", "/partner/analytics?period=week", nil), http.StatusOK)
	require.Len(t, week["watchTimeByDay"], 7)
	custom := data(t, staff1.call("GET", "/partner/analytics?startDate=2025-06-01&endDate=2025-06-30", nil), http.StatusOK)
	require.Len(t, custom["watchTimeByDay"], 30)
	require.Equal(t, 1.0, custom["totals"].(map[string]any)["activeMembers"])
	for _, bad := range []string{"?period=year", "?startDate=2025-06-30&endDate=2025-06-01", "?startDate=2024-01-01&endDate=2025-06-01",
		"?startDate=June&endDate=2025-06-01"} {
		staff1.call("GET", "/partner/analytics"+bad, nil).envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	}
	require.Empty(t, data(t, staffB.call("GET", "/partner/analytics", nil), http.StatusOK)["popularClasses"])

	// Billing: the month's active members, by the same rule; CSV export.
	bill := data(t, staff1.call("GET", "/partner/billing?month=6&year=2025", nil), http.StatusOK)
	require.Equal(t, 1.0, bill["activeMembers"])
	require.Equal(t, "2025-06-01T00:00:00Z", bill["periodStart"])
	bm := bill["members"].([]any)
	require.Len(t, bm, 1)
	require.Equal(t, users["m1"], bm[0].(map[string]any)["id"])
	require.Equal(t, 10.0, bm[0].(map[string]any)["watchTimeMinutes"])
	r := staff1.call("GET", "/partner/billing/export?month=6&year=2025", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, "attachment; filename=billing-2025-06.csv", r.Header.Get("Content-Disposition"))
	rows, err := csv.NewReader(strings.NewReader(string(r.Raw))).ReadAll()
	require.NoError(t, err)
	require.Equal(t, [][]string{{"month", "memberId", "name", "email", "joinedAt", "watchTimeMinutes"}}, rows[:1])
	require.Len(t, rows, 2)
	require.Equal(t, []string{"2025-06", users["m1"], "Ann Active", "m1@reports.test"}, rows[1][:4])
	staff1.call("GET", "/partner/billing?month=13", nil).envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	staff1.call("GET", fmt.Sprintf("/partner/billing?month=1&year=%d", now.Year()+5), nil).envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, 0.0, data(t, staff2.call("GET", "/partner/billing?month=6&year=2025", nil), http.StatusOK)["activeMembers"])

	// Members export: every member with activity, formula cells neutralised.
	r = staff1.call("GET", "/partner/members/export", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	rows, err = csv.NewReader(strings.NewReader(string(r.Raw))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 4)
	require.Equal(t, "'=HYPERLINK(\"http://x\")", rows[1][1], "a name a spreadsheet would run is written as text")
	r = staff2.call("GET", "/partner/members/export?status=active", nil)
	rows, err = csv.NewReader(strings.NewReader(string(r.Raw))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	require.Equal(t, "Other Gym", rows[1][1])
	_ = keyB
}
