package e2e

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// TestRateLimitHoldsAcrossProcesses sends a burst through two servers sharing one database and one
// Redis: the client's own limit (bursts of 5, refilled at one a minute, so no refill can happen
// while the test runs) holds across both.
func TestRateLimitHoldsAcrossProcesses(t *testing.T) {
	t.Parallel()
	b := harness.NewBackends(t)
	one := harness.StartServerOn(t, b)
	two := harness.StartServerOn(t, b)
	op := operator(t, one)
	id, key := onboard(t, op, "limited", nil)
	r := op.call("PATCH", "/platform/tenants/"+id, map[string]any{"rate_limit": map[string]int{"requests_per_minute": 1, "burst": 5}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))

	clients := []*client{newClient(t, one.URL).with("X-API-Key", key), newClient(t, two.URL).with("X-API-Key", key)}
	for i := range 5 {
		r := clients[i%2].call("GET", "/app/strings", nil)
		require.Equal(t, http.StatusOK, r.Status, "request %d: %s", i, r.Raw)
		require.Equal(t, "5", r.Header.Get("RateLimit-Limit"))
		require.Equal(t, strconv.Itoa(4-i), r.Header.Get("RateLimit-Remaining"))
	}
	for _, c := range clients {
		r := c.call("GET", "/app/strings", nil)
		r.envelopedError(t, http.StatusTooManyRequests, "RATE_LIMITED")
		retry, err := strconv.Atoi(r.Header.Get("Retry-After"))
		require.NoError(t, err)
		require.Positive(t, retry)
		require.Equal(t, "0", r.Header.Get("RateLimit-Remaining"))
	}

	// Another key of the same client has a budget of its own (the limit is per credential), and
	// so has another client.
	second := op.call("POST", "/platform/tenants/"+id+"/api-keys", map[string]string{"name": "second"}).str("key")
	for _, srv := range []*harness.Server{one, two} {
		r := newClient(t, srv.URL).with("X-API-Key", second).call("GET", "/app/strings", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	}
	_, other := onboard(t, op, "unlimited", nil)
	require.Equal(t, http.StatusOK, newClient(t, two.URL).with("X-API-Key", other).call("GET", "/app/strings", nil).Status)
}
