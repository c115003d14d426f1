package e2e

import (
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/stvos/stvos/test/harness"
)

// BenchmarkOFREPEvaluate measures OFREP single-flag evaluation end to end at a constant rate
// (STVOS_BENCH_RATE, default 2000 requests a second, for STVOS_BENCH_SECONDS, default 5): HTTP,
// the API key's admission round trip to Redis, and the evaluation over the client's cached
// compiled flags (a flag with 1000 targets and a 10000-context segment rule). In the same run it
// drives a bare net/http handler answering the same bytes on loopback, the machine's ceiling. It
// reports p50, p99 and max latency and the success ratio of each. Run once:
//
//	go test ./test/e2e -run '^$' -bench OFREPEvaluate -benchtime 1x -count 1
func BenchmarkOFREPEvaluate(b *testing.B) {
	rate, secs := envInt("STVOS_BENCH_RATE", 2000), envInt("STVOS_BENCH_SECONDS", 5)
	srv := harness.StartServer(b, map[string]string{"STVOS_RATE_PER_ADDRESS": "100000000", "STVOS_RATE_PER_CREDENTIAL": "100000000",
		"STVOS_LOG_LEVEL": "warn"})
	op := operator(b, srv)
	id, key := onboard(b, op, "ofrep-bench", nil)
	adm := admin(b, srv, op, id, key, "admin@ofrep-bench.test")
	if r := adm.call("POST", "/admin/segments", map[string]any{"key": "beta", "name": "Beta"}); r.Status != http.StatusCreated {
		b.Fatalf("segment: %d %s", r.Status, r.Raw)
	}
	var csv strings.Builder
	for i := range 10000 {
		csv.WriteString("m-" + strconv.Itoa(i) + "\n")
	}
	if r := adm.call("PUT", "/admin/segments/beta/contexts.csv", csv.String(), "Content-Type", "text/csv"); r.Status != http.StatusOK {
		b.Fatalf("upload: %d %s", r.Status, r.Raw)
	}
	if r := adm.call("POST", "/admin/flags", boolFlag("checkout", true, "beta")); r.Status != http.StatusCreated {
		b.Fatalf("flag: %d %s", r.Status, r.Raw)
	}
	targets := make([]map[string]string, 1000)
	for i := range targets {
		targets[i] = map[string]string{"key": "t-" + strconv.Itoa(i)}
	}
	if r := adm.call("POST", "/admin/flags/checkout/targeting/add", map[string]any{"contexts": targets}); r.Status != http.StatusOK {
		b.Fatalf("targets: %d %s", r.Status, r.Raw)
	}
	body := []byte(`{"context":{"targetingKey":"m-4242"}}`)
	probe := newClient(b, srv.URL).with("X-API-Key", key).call("POST", "/ofrep/v1/evaluate/flags/checkout", string(body))
	if probe.Status != http.StatusOK || probe.str("reason") != "TARGETING_MATCH" {
		b.Fatalf("probe: %d %s", probe.Status, probe.Raw)
	}

	// The ceiling: a bare handler on loopback answering the same bytes.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	bare := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(probe.Raw)
	})}
	go func() { _ = bare.Serve(ln) }()
	defer bare.Close()

	hdr := http.Header{"X-Api-Key": {key}, "Content-Type": {"application/json"}}
	b.ResetTimer()
	for name, url := range map[string]string{"bare": "http://" + ln.Addr().String() + "/", "ofrep": srv.URL + "/ofrep/v1/evaluate/flags/checkout"} {
		m := constantRate(vegeta.Target{Method: "POST", URL: url, Body: body, Header: hdr}, rate, time.Duration(secs)*time.Second)
		b.ReportMetric(float64(m.Latencies.P50.Microseconds())/1000, name+"-p50-ms")
		b.ReportMetric(float64(m.Latencies.P99.Microseconds())/1000, name+"-p99-ms")
		b.ReportMetric(float64(m.Latencies.Max.Microseconds())/1000, name+"-max-ms")
		b.ReportMetric(m.Success, name+"-success")
		b.ReportMetric(m.Throughput, name+"-rps")
		b.Logf("%s: %d requests at %d/s: p50 %v p99 %v max %v, success %.4f, codes %v", name, m.Requests, rate,
			m.Latencies.P50, m.Latencies.P99, m.Latencies.Max, m.Success, m.StatusCodes)
		if m.Success < 1 {
			b.Errorf("%s: %.4f succeeded; errors %v, codes %v", name, m.Success, m.Errors, m.StatusCodes)
		}
	}
}

func constantRate(t vegeta.Target, rate int, d time.Duration) vegeta.Metrics {
	attacker := vegeta.NewAttacker(vegeta.KeepAlive(true), vegeta.Connections(64), vegeta.Timeout(5*time.Second))
	var m vegeta.Metrics
	for res := range attacker.Attack(vegeta.NewStaticTargeter(t), vegeta.Rate{Freq: rate, Per: time.Second}, d, "load") {
		m.Add(res)
	}
	m.Close()
	return m
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
