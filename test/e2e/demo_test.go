package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// TestDemoShowsEveryPortalEndpoint runs `stvos dev` as `make run` does (its own databases, the
// demo seed) and checks that every partner portal and app endpoint shows something: a catalog,
// products, members who joined over months, their viewing, a dashboard with trends, last month's
// billing.
func TestDemoShowsEveryPortalEndpoint(t *testing.T) {
	t.Parallel()
	dev := harness.StartDev(t, 3*time.Minute)
	var d struct {
		APIKey        string `json:"api_key"`
		StaffEmail    string `json:"staff_email"`
		StaffPassword string `json:"staff_password"`
		VoucherCode   string `json:"voucher_code"`
	}
	dev.Demo(t, &d)
	base := dev.URL
	r := newClient(t, base).call("POST", "/partner-auth/login", map[string]string{"email": d.StaffEmail, "password": d.StaffPassword})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	portal := newClient(t, base).with("Authorization", "Bearer "+r.JSON["data"].(map[string]any)["accessToken"].(string)).with("X-API-Key", d.APIKey)
	appc := newClient(t, base).with("X-API-Key", d.APIKey)

	dash := data(t, portal.call("GET", "/partner/dashboard", nil), http.StatusOK)
	require.GreaterOrEqual(t, dash["totalMembers"], 15.0)
	require.Greater(t, dash["activeMembers"], 5.0)
	require.Less(t, dash["activeMembers"], dash["totalMembers"], "some demo members stopped coming")
	require.Greater(t, dash["totalWatchTimeMinutes"], 1000.0)

	an := data(t, portal.call("GET", "/partner/analytics?period=quarter", nil), http.StatusOK)
	days := an["watchTimeByDay"].([]any)
	watched := 0
	for _, day := range days {
		if day.(map[string]any)["minutes"].(float64) > 0 {
			watched++
		}
	}
	require.Greater(t, watched, len(days)/2, "most days of the quarter have viewing")
	require.GreaterOrEqual(t, len(an["popularCategories"].([]any)), 4)
	require.GreaterOrEqual(t, len(an["popularClasses"].([]any)), 5)

	members := data(t, portal.call("GET", "/partner/members?limit=50", nil), http.StatusOK)["members"].([]any)
	joined := map[string]bool{}
	for _, m := range members {
		joined[m.(map[string]any)["joinedAt"].(string)[:7]] = true
	}
	require.GreaterOrEqual(t, len(joined), 3, "members joined over several months")
	detail := data(t, portal.call("GET", "/partner/members/"+members[len(members)-1].(map[string]any)["id"].(string), nil), http.StatusOK)
	require.NotEmpty(t, detail["viewingHistory"])

	last := time.Now().UTC().AddDate(0, -1, 0)
	bill := data(t, portal.call("GET", "/partner/billing?month="+last.Format("1")+"&year="+last.Format("2006"), nil), http.StatusOK)
	require.Greater(t, bill["activeMembers"], 5.0)

	stats := data(t, portal.call("GET", "/partner/vouchers/stats", nil), http.StatusOK)
	require.Greater(t, stats["redeemed"], 10.0)
	require.Greater(t, stats["active"], 10.0)
	require.Len(t, productsOf(data(t, appc.call("GET", "/products", nil), http.StatusOK)), 3)
	require.GreaterOrEqual(t, len(data(t, appc.call("GET", "/classes?limit=50", nil), http.StatusOK)["classes"].([]any)), 10)
	require.NotEmpty(t, data(t, portal.call("GET", "/partner/strings", nil), http.StatusOK))
	v := data(t, appc.call("POST", "/auth/voucher/validate", map[string]string{"code": d.VoucherCode}), http.StatusOK)
	require.Equal(t, true, v["valid"], "the printed code is free")
}
