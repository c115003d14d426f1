package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// pgbenchScript is the database's share of one authenticated tenant read: what the server's unit
// of work sends for GET /app/strings, as the role the server works as.
const pgbenchScript = `BEGIN;
SELECT set_config('app.tenant_id', :tid, true), set_config('app.scope', '', true);
SELECT key, value FROM content_strings WHERE tenant_id = :tid::uuid;
COMMIT;
`

// pgbench runs the ceiling measurement and returns its transactions per second.
func pgbench(ctx context.Context, dir, dbURL, tenantID string, o options) (float64, error) {
	script := filepath.Join(dir, "read.sql")
	if err := os.WriteFile(script, []byte(pgbenchScript), 0o600); err != nil {
		return 0, err
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return 0, err
	}
	// The server's role (stvos_app) is bound by row-level security; pgbench connects as the
	// owner and switches to it with PGOPTIONS, so the measured work is the same.
	cmd := exec.CommandContext(ctx, pgbenchPath(), "-n", "-M", "prepared", "-c", strconv.Itoa(o.pgClients), "-j", "2",
		"-T", strconv.Itoa(int(o.duration.Seconds())), "-D", "tid="+tenantID, "-f", script, u.String())
	cmd.Env = append(os.Environ(), "PGOPTIONS=-c role=stvos_app")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench: %w: %s", err, out)
	}
	m := regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`).FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench: no tps in %s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

func pgbenchPath() string {
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
	if len(matches) > 0 {
		return matches[len(matches)-1]
	}
	return "pgbench"
}

type result struct {
	route    route
	rps      float64
	p50, p99 time.Duration
	success  float64
	errors   []string
}

// drive runs a closed-loop load of o.connections workers against the route for o.duration after
// a short warm-up, optionally taking a CPU profile of the server meanwhile.
func drive(ctx context.Context, r route, o options, srv *server, profile string) (result, error) {
	driver := o.driver
	if driver == "auto" {
		driver = "vegeta"
		if _, err := exec.LookPath("wrk"); err == nil {
			driver = "wrk"
		}
	}
	fmt.Printf("load: %s, %d connections, %s, %s ...\n", r.name, o.connections, o.duration, driver)
	if driver == "wrk" {
		return driveWrk(ctx, r, o, srv, profile)
	}
	target := vegeta.Target{Method: "GET", URL: r.url, Header: r.headers}
	attack := func(d time.Duration) vegeta.Metrics {
		// An attacker stops for good at the end of its attack: one per run.
		attacker := vegeta.NewAttacker(vegeta.Workers(uint64(o.connections)), vegeta.MaxWorkers(uint64(o.connections)),
			vegeta.Connections(o.connections), vegeta.KeepAlive(true), vegeta.Timeout(10*time.Second))
		var m vegeta.Metrics
		for res := range attacker.Attack(vegeta.NewStaticTargeter(target), vegeta.ConstantPacer{Freq: 0, Per: time.Second}, d, r.name) {
			m.Add(res)
		}
		m.Close()
		return m
	}
	attack(2 * time.Second) // warm-up: connections, caches, prepared statements
	var profErr chan error
	if profile != "" {
		profErr = make(chan error, 1)
		go func() { profErr <- saveProfile(ctx, srv, profile, o.duration-time.Second) }()
	}
	m := attack(o.duration)
	if profErr != nil {
		if err := <-profErr; err != nil {
			fmt.Fprintln(os.Stderr, "httpbench: profile:", err)
		} else {
			fmt.Println("CPU profile of the server:", profile, "(go tool pprof -top", profile+")")
		}
	}
	return result{route: r, rps: m.Throughput, p50: m.Latencies.P50, p99: m.Latencies.P99, success: m.Success,
		errors: m.Errors}, nil
}

// saveProfile fetches a CPU profile from the server's metrics listener (net/http/pprof).
func saveProfile(ctx context.Context, srv *server, file string, d time.Duration) error {
	u := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", srv.metrics, max(int(d.Seconds()), 1))
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, res.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, res.Body)
	return err
}

func report(w io.Writer, ceiling float64, results []result, o options) {
	fmt.Fprintf(w, "\nceiling (pgbench, same transaction, %d clients): %.0f tps\n\n", o.pgClients, ceiling)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "route\trequests/s\tp50\tp99\tsuccess\tratio to ceiling")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%.1f%%\t%.2f\n", r.route.name, r.rps, r.p50.Round(10*time.Microsecond),
			r.p99.Round(10*time.Microsecond), r.success*100, r.rps/ceiling)
	}
	_ = tw.Flush()
	for _, r := range results {
		if len(r.errors) > 0 {
			fmt.Fprintf(w, "\n%s errors: %s\n", r.route.name, strings.Join(r.errors[:min(len(r.errors), 5)], "; "))
		}
	}
}
