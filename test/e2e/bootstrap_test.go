package e2e

import (
	"context"

	"github.com/stvos/stvos/app"
	"github.com/stvos/stvos/test/harness"
)

func bootstrap(srv *harness.Server, email string) (app.BootstrapResult, error) {
	return app.BootstrapWith(context.Background(), srv.Config.DatabaseURL, harness.PasswordHasher(), email, demoPassword, "")
}
