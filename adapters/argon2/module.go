package argon2

import (
	"go.uber.org/fx"

	"github.com/stvos/stvos/ports"
)

// Module provides the password hasher with the default parameters.
var Module = fx.Module("argon2",
	fx.Provide(fx.Annotate(func() Hasher { return New(DefaultParams) }, fx.As(new(ports.PasswordHasher)))),
)
