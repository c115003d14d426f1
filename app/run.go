package app

import (
	"context"
	"log/slog"

	"go.uber.org/fx"

	"github.com/stvos/stvos/adapters/argon2"
	"github.com/stvos/stvos/adapters/jwt"
	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/adapters/river"
	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/operator"
	"github.com/stvos/stvos/ports"
)

// Run starts the application, calls ready (if given) once it serves, and stops it gracefully when
// ctx ends. Extra options join the graph (the dev command populates services through them).
func Run(ctx context.Context, cfg Config, log *slog.Logger, extra ...fx.Option) error {
	return RunWith(ctx, cfg, log, nil, extra...)
}

// RunWith is Run with a function called once the server listens.
func RunWith(ctx context.Context, cfg Config, log *slog.Logger, ready func(context.Context) error, extra ...fx.Option) error {
	a := fx.New(Options(cfg, log), fx.Options(extra...))
	if err := a.Err(); err != nil {
		return err
	}
	if err := a.Start(ctx); err != nil {
		return err
	}
	var readyErr error
	if ready != nil {
		readyErr = ready(ctx)
	}
	if readyErr == nil {
		<-ctx.Done()
	}
	log.Info("shutting down")
	stopCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout+5e9)
	defer cancel()
	if err := a.Stop(stopCtx); err != nil {
		return err
	}
	return readyErr
}

// Migrate applies pending migrations: the platform's, then the job queue's.
func Migrate(ctx context.Context, url string) ([]int64, error) {
	applied, err := postgres.Migrate(ctx, url)
	if err != nil {
		return applied, err
	}
	return applied, river.Migrate(ctx, url)
}

// MigrationStatus lists migrations.
func MigrationStatus(ctx context.Context, url string) ([]postgres.MigrationStatus, error) {
	return postgres.Status(ctx, url)
}

// BootstrapResult is what `stvos bootstrap` prints.
type BootstrapResult struct {
	ID      string `json:"id"`
	Email   string `json:"email"`
	Created bool   `json:"created"`
}

// Bootstrap creates the first superadmin, migrating first so it works on an empty database.
func Bootstrap(ctx context.Context, url, email, password, name string) (BootstrapResult, error) {
	return BootstrapWith(ctx, url, argon2.New(argon2.DefaultParams), email, password, name)
}

// BootstrapWith is Bootstrap hashing the password with hasher (the server's is argon2's
// default; tests give the one their servers run).
func BootstrapWith(ctx context.Context, url string, hasher ports.PasswordHasher, email, password, name string) (BootstrapResult, error) {
	if _, err := Migrate(ctx, url); err != nil {
		return BootstrapResult{}, err
	}
	pool, err := postgres.Connect(ctx, url)
	if err != nil {
		return BootstrapResult{}, err
	}
	defer pool.Close()
	passwords, err := credential.NewPasswords(hasher, nil)
	if err != nil {
		return BootstrapResult{}, err
	}
	svc := operator.NewService(operator.Deps{UnitOfWork: postgres.NewUnitOfWork(pool), Store: postgres.OperatorStore{},
		Passwords: passwords, Clock: ports.SystemClock{}})
	op, created, err := svc.Bootstrap(ctx, email, password, name)
	if err != nil {
		return BootstrapResult{}, err
	}
	return BootstrapResult{ID: op.ID, Email: op.Email, Created: created}, nil
}

// RotateSigningKey makes a new token signing key and retires the others (they verify their
// tokens until those expire). Running servers pick the new key up within minutes.
func RotateSigningKey(ctx context.Context, url string) (string, error) {
	pool, err := postgres.Connect(ctx, url)
	if err != nil {
		return "", err
	}
	defer pool.Close()
	signer, err := jwt.New(ctx, postgres.NewSigningKeyStore(pool), "", "", ports.SystemClock{})
	if err != nil {
		return "", err
	}
	return signer.Rotate(ctx)
}
