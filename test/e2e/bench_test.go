package e2e

import (
	"io"
	"net/http"
	"testing"

	"github.com/stvos/stvos/test/harness"
)

// BenchmarkAppStrings measures one authenticated app call end to end: HTTP, per-address and
// per-key rate limits in Redis, API key resolution and the read in PostgreSQL under row-level
// security. Run: make bench (or go test ./test/e2e -run '^$' -bench AppStrings).
func BenchmarkAppStrings(b *testing.B) {
	srv := harness.StartServer(b, map[string]string{"STVOS_RATE_PER_ADDRESS": "100000000", "STVOS_RATE_PER_CREDENTIAL": "100000000"})
	_, key := onboard(b, operator(b, srv), "bench", map[string]string{"st_aboutus": "<h1>About</h1>"})
	req, _ := http.NewRequest("GET", srv.URL+"/app/strings", nil)
	req.Header.Set("X-API-Key", key)
	hammer(b, req)
}

// hammer sends req from 16 concurrent clients (on 2 cores: it measures throughput, not one
// client's latency) and fails on any answer but 200.
func hammer(b *testing.B, req *http.Request) {
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := http.DefaultClient.Do(req.Clone(req.Context()))
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Fatalf("status %d", res.StatusCode)
			}
		}
	})
}

// BenchmarkUsersMe measures one signed-in subscriber's read of their account: HTTP, bearer token,
// the admission round trip to Redis (limits, revocation, tenant generation) and the read in
// PostgreSQL under row-level security.
func BenchmarkUsersMe(b *testing.B) {
	srv := harness.StartServer(b, map[string]string{"STVOS_RATE_PER_ADDRESS": "100000000", "STVOS_RATE_PER_CREDENTIAL": "100000000"})
	_, key := onboard(b, operator(b, srv), "bench", nil)
	r := newClient(b, srv.URL).with("X-API-Key", key).call("POST", "/auth/register",
		map[string]string{"email": "runner@bench.test", "password": demoPassword, "name": "Runner"})
	if r.Status != http.StatusCreated {
		b.Fatalf("register: %d %s", r.Status, r.Raw)
	}
	token := r.JSON["data"].(map[string]any)["accessToken"].(string)
	req, _ := http.NewRequest("GET", srv.URL+"/users/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	hammer(b, req)
}
