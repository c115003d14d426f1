package app

import (
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/profile"
	"github.com/stvos/stvos/core/subscription"
	"github.com/stvos/stvos/core/throttle"
	"github.com/stvos/stvos/ports"
)

// newProfiles provides the profile use cases. An account may hold as many profiles (the primary
// one included) as its subscription's plan gives while it gives the plan's benefits, else
// STVOS_MAX_PROFILES (subscription.Limits, read in the unit of work of the change it guards).
// PINs are hashed by the password hasher (argon2id) and wrong ones counted by the failure
// throttle of every password and code guess; the password confirming a master PIN is checked like
// a sign-in's.
func newProfiles(u ports.UnitOfWork, st profile.Store, l subscription.Limits, a audit.Store, h ports.PasswordHasher, t *throttle.Throttle,
	pw *credential.Passwords, sg ports.TokenSigner, c ports.Clock) *profile.Service {
	return profile.NewService(profile.Deps{UnitOfWork: u, Store: st, Limits: l, Audit: a, Hasher: h, Throttle: t, Passwords: pw,
		Signer: sg, Clock: c})
}
