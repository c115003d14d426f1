package main

import (
	"context"
	"errors"
	"flag"
	"os"

	"github.com/stvos/stvos/app"
)

func migrate(ctx context.Context, args []string) error {
	action := "up"
	if len(args) > 0 && (args[0] == "up" || args[0] == "status") {
		action, args = args[0], args[1:]
	}
	url, err := databaseURL("stvos migrate", args)
	if err != nil {
		return err
	}
	if action == "status" {
		st, err := app.MigrationStatus(ctx, url)
		if err != nil {
			return err
		}
		return printJSON(st)
	}
	applied, err := app.Migrate(ctx, url)
	if err != nil {
		return err
	}
	if applied == nil {
		applied = []int64{}
	}
	return printJSON(map[string]any{"applied": applied})
}

func bootstrap(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("stvos bootstrap", flag.ContinueOnError)
	email := fs.String("email", "", "the superadmin's email")
	password := fs.String("password", "", "the superadmin's password (10 to 128 characters)")
	name := fs.String("name", "", "the superadmin's name (defaults to the email)")
	db := fs.String("database-url", os.Getenv("STVOS_DATABASE_URL"), "PostgreSQL URL (STVOS_DATABASE_URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || *password == "" || *db == "" {
		fs.Usage()
		return errors.New("--email, --password and a database URL are required")
	}
	res, err := app.Bootstrap(ctx, *db, *email, *password, *name)
	if err != nil {
		return err
	}
	return printJSON(res)
}

func databaseURL(name string, args []string) (string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	db := fs.String("database-url", os.Getenv("STVOS_DATABASE_URL"), "PostgreSQL URL (STVOS_DATABASE_URL)")
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if *db == "" {
		return "", errors.New("a database URL is required (--database-url or STVOS_DATABASE_URL)")
	}
	return *db, nil
}

func keys(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "rotate" {
		return errors.New("usage: stvos keys rotate [--database-url URL]")
	}
	url, err := databaseURL("stvos keys rotate", args[1:])
	if err != nil {
		return err
	}
	kid, err := app.RotateSigningKey(ctx, url)
	if err != nil {
		return err
	}
	return printJSON(map[string]string{"kid": kid})
}
