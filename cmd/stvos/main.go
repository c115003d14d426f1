// Command stvos is the one binary of the platform:
//
//	stvos serve      serve every HTTP surface and run the background jobs (configuration from STVOS_* variables or flags)
//	stvos worker     run the background jobs alone (renewals, dunning, email), for deployments that separate them
//	stvos migrate    apply the embedded migrations (migrate status lists them)
//	stvos bootstrap  create the first platform superadmin (--email, --password); idempotent
//	stvos dev        provision PostgreSQL and Redis, seed a demo client, and serve
//	stvos keys       rotate the token signing key
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/stvos/stvos/app"
)

const usage = `stvos: multi-tenant white-label streaming platform backend

usage:
  stvos serve [flags]                         serve every surface and run the background jobs
  stvos worker [flags]                        run the background jobs alone (same settings as serve)
  stvos migrate [up|status] [flags]           apply or list migrations
  stvos bootstrap --email E --password P      create the first superadmin (idempotent)
  stvos dev [--dir D] [--addr A]              self-provisioned stack with demo data
  stvos keys rotate                           new token signing key; old ones verify until their tokens expire

Run "stvos serve --help" for every setting and its environment variable.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "stvos:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return errors.New("a command is required")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, "stvos serve", args[1:])
	case "worker":
		return serve(ctx, "stvos worker", args[1:])
	case "migrate":
		return migrate(ctx, args[1:])
	case "bootstrap":
		return bootstrap(ctx, args[1:])
	case "dev":
		return dev(ctx, args[1:])
	case "keys":
		return keys(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// serve runs the application: every surface and the job workers, or (stvos worker) the workers
// alone, without the HTTP listener.
func serve(ctx context.Context, name string, args []string) error {
	cfg, err := app.LoadConfig(name, args)
	if err != nil {
		return err
	}
	cfg.WorkerOnly = name == "stvos worker"
	if os.Getenv("GOGC") == "" {
		// A server's live heap is small and its garbage plentiful: collecting at 200 % growth
		// instead of 100 % roughly halves the collector's CPU for a few more megabytes. GOGC,
		// when set, decides instead.
		debug.SetGCPercent(200)
	}
	log, logs := app.NewLogger(cfg.LogLevel)
	defer logs.Close()
	return app.Run(ctx, cfg, log)
}

func printJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
