//go:build !docker

package main

import "github.com/stvos/stvos/app/devstack"

// docker is absent from a binary built without -tags docker: `stvos dev` runs local processes.
var docker devstack.Provisioner
