//go:build docker

package main

import dockerstack "github.com/stvos/stvos/app/devstack/docker"

// docker provisions `stvos dev` as containers when a Docker engine answers; built only with
// -tags docker (make run), so `serve` does not link testcontainers.
var docker = dockerstack.Start
