package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// MigrationStatus is the state of one migration.
type MigrationStatus struct {
	Version int64  `json:"version"`
	Name    string `json:"name"`
	Applied bool   `json:"applied"`
}

// Migrate applies every pending migration as the URL's own role (which must be allowed to create
// roles the first time) and returns the versions it applied. Concurrent callers wait on an
// advisory lock, so two servers starting at once do not race.
func Migrate(ctx context.Context, url string) ([]int64, error) {
	var applied []int64
	err := withProvider(url, func(p *goose.Provider) error {
		res, err := p.Up(ctx)
		for _, r := range res {
			applied = append(applied, r.Source.Version)
		}
		return err
	})
	return applied, err
}

// Status lists every embedded migration and whether it is applied.
func Status(ctx context.Context, url string) ([]MigrationStatus, error) {
	var out []MigrationStatus
	err := withProvider(url, func(p *goose.Provider) error {
		st, err := p.Status(ctx)
		for _, s := range st {
			out = append(out, MigrationStatus{Version: s.Source.Version, Name: s.Source.Path, Applied: s.State == goose.StateApplied})
		}
		return err
	})
	return out, err
}

func withProvider(url string, fn func(*goose.Provider) error) error {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return fmt.Errorf("postgres: open for migrations: %w", err)
	}
	defer db.Close()
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	if err := fn(p); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

var _ = stdlib.GetDefaultDriver // registers the "pgx" database/sql driver
