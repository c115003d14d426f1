package main

import (
	"context"
	"flag"

	"github.com/stvos/stvos/app"
)

func dev(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("stvos dev", flag.ContinueOnError)
	dir := fs.String("dir", ".stvos/dev", "folder that keeps the dev databases and demo credentials")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return app.Dev(ctx, app.DevOptions{Dir: *dir, Addr: *addr, Docker: docker})
}
