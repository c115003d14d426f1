package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// driveWrk runs the load with wrk (two threads, o.connections connections), which costs the
// machine less CPU per request than a Go client and so leaves more to the server, as pgbench's
// C client does for the ceiling.
func driveWrk(ctx context.Context, r route, o options, srv *server, profile string) (result, error) {
	args := []string{"-t2", "-c" + strconv.Itoa(o.connections), "--latency"}
	for k, vs := range r.headers {
		for _, v := range vs {
			args = append(args, "-H", k+": "+v)
		}
	}
	run := func(d time.Duration) (string, error) {
		cmd := exec.CommandContext(ctx, "wrk", append(args, "-d"+strconv.Itoa(max(int(d.Seconds()), 1))+"s", r.url)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("wrk: %w: %s", err, out)
		}
		return string(out), nil
	}
	if _, err := run(2 * time.Second); err != nil { // warm-up
		return result{}, err
	}
	var profErr chan error
	if profile != "" {
		profErr = make(chan error, 1)
		go func() { profErr <- saveProfile(ctx, srv, profile, o.duration-time.Second) }()
	}
	out, err := run(o.duration)
	if err != nil {
		return result{}, err
	}
	if profErr != nil {
		if err := <-profErr; err != nil {
			fmt.Fprintln(os.Stderr, "httpbench: profile:", err)
		} else {
			fmt.Println("CPU profile of the server:", profile, "(go tool pprof -top", profile+")")
		}
	}
	res := result{route: r, success: 1}
	if m := regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`).FindStringSubmatch(out); m != nil {
		res.rps, _ = strconv.ParseFloat(m[1], 64)
	}
	res.p50 = wrkLatency(out, "50%")
	res.p99 = wrkLatency(out, "99%")
	total := regexp.MustCompile(`(\d+) requests in`).FindStringSubmatch(out)
	bad := regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`).FindStringSubmatch(out)
	if total != nil && bad != nil {
		t, _ := strconv.ParseFloat(total[1], 64)
		b, _ := strconv.ParseFloat(bad[1], 64)
		res.success = 1 - b/t
		res.errors = append(res.errors, bad[1]+" responses were not 2xx")
	}
	return res, nil
}

func wrkLatency(out, pct string) time.Duration {
	m := regexp.MustCompile(`\s` + regexp.QuoteMeta(pct) + `\s+([0-9.]+)(us|ms|s)`).FindStringSubmatch(out)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[strings.TrimSpace(m[2])]
	return time.Duration(v * float64(unit))
}
