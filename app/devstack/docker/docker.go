// Package docker provisions the dev stack as PostgreSQL and Redis containers through
// testcontainers when a Docker engine answers. It is kept apart from devstack so that only what
// asks for it (the test harness, and the binary built with -tags docker) links testcontainers.
package docker

import (
	"context"
	"errors"
	"fmt"

	"github.com/testcontainers/testcontainers-go"
	tcpostgres "github.com/testcontainers/testcontainers-go/modules/postgres"
	tcredis "github.com/testcontainers/testcontainers-go/modules/redis"

	"github.com/stvos/stvos/app/devstack"
)

var _ devstack.Provisioner = Start

// Start runs PostgreSQL and Redis containers when a Docker engine answers. Without one it
// fails at once (the provider cannot be made or its health check fails), at no cost.
func Start(ctx context.Context) (s *devstack.Stack, err error) {
	provider, err := testcontainers.NewDockerProvider()
	if err != nil {
		return nil, err
	}
	defer provider.Close()
	if err := provider.Health(ctx); err != nil {
		return nil, err
	}
	s = &devstack.Stack{How: "docker"}
	defer func() {
		if err != nil {
			_ = s.Stop()
		}
	}()
	pg, err := tcpostgres.Run(ctx, "postgres:15-alpine", tcpostgres.WithUsername("postgres"),
		tcpostgres.WithPassword("postgres"), tcpostgres.WithDatabase("postgres"), tcpostgres.BasicWaitStrategies())
	if err != nil {
		return nil, fmt.Errorf("postgres container: %w", err)
	}
	s.OnStop(func() error { return pg.Terminate(context.Background()) })
	rd, err := tcredis.Run(ctx, "redis:7-alpine")
	if err != nil {
		return nil, fmt.Errorf("redis container: %w", err)
	}
	s.OnStop(func() error { return rd.Terminate(context.Background()) })
	if s.DatabaseURL, err = pg.ConnectionString(ctx, "sslmode=disable"); err != nil {
		return nil, err
	}
	if s.RedisURL, err = rd.ConnectionString(ctx); err != nil {
		return nil, err
	}
	if s.DatabaseURL == "" || s.RedisURL == "" {
		return nil, errors.New("containers gave no address")
	}
	return s, devstack.WaitReady(ctx, s.DatabaseURL, s.RedisURL)
}
