package app

import (
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/profile"
	"github.com/stvos/stvos/core/throttle"
	"github.com/stvos/stvos/ports"
)

// maxProfiles is how many profiles (the primary one included) every account may hold until
// subscriptions bound them by the plan's max_profiles: replace profile.FixedLimit below with a
// profile.Limits that reads the account's plan in the unit of work it is given.
const maxProfiles = 5

// newProfiles provides the profile use cases. PINs are hashed by the password hasher (argon2id)
// and wrong ones counted by the failure throttle of every password and code guess.
func newProfiles(u ports.UnitOfWork, st profile.Store, a audit.Store, h ports.PasswordHasher, t *throttle.Throttle,
	sg ports.TokenSigner, c ports.Clock) *profile.Service {
	return profile.NewService(profile.Deps{UnitOfWork: u, Store: st, Limits: profile.FixedLimit(maxProfiles), Audit: a, Hasher: h,
		Throttle: t, Signer: sg, Clock: c})
}
