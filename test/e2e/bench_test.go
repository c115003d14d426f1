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
	b.SetParallelism(8) // 16 concurrent clients on 2 cores: measures throughput, not one client's latency
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
