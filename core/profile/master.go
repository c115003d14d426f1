package profile

import (
	"context"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/ports"
)

// The answers of the master PIN.
var (
	// ErrMasterPINRequired answers a change of profiles without the master PIN the account set.
	ErrMasterPINRequired = ports.Forbidden("MASTER_PIN_REQUIRED",
		"This account's profile settings are guarded by a master PIN: send it as X-Master-PIN.")
	// ErrWrongMasterPIN answers a wrong master PIN.
	ErrWrongMasterPIN = ports.Forbidden("INVALID_MASTER_PIN", "The master PIN is wrong.")
)

// Unlock is what a change of profiles brings to pass the account's master PIN, if it has one.
type Unlock struct {
	// MasterPIN is the PIN sent, empty when none was.
	MasterPIN string
	// Address is the caller's, whose wrong guesses are counted.
	Address string
}

// unlock lets a change of the account's profiles through: at once without a master PIN, else
// only with it. A wrong PIN counts as a failed guess of the account's master PIN from the
// address (the throttle of profile PINs): past the allowance every guess is refused for a while.
// It runs before the change's unit of work, as hashing takes a while on purpose.
func (s *Service) unlock(ctx context.Context, tenantID, userID string, u Unlock) error {
	var hash string
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		hash, err = s.d.Store.MasterPIN(ctx, userID)
		return err
	})
	if err != nil || hash == "" {
		return err
	}
	if u.MasterPIN == "" {
		return ErrMasterPINRequired
	}
	attempt, err := s.d.Throttle.Begin(ctx, "profile-master-pin:"+tenantID, userID, u.Address)
	if err != nil {
		return err
	}
	ok := false
	if ValidPIN(u.MasterPIN) {
		if ok, err = s.d.Hasher.Verify(u.MasterPIN, hash); err != nil {
			return err
		}
	}
	if !ok {
		attempt.Failed(ctx)
		return ErrWrongMasterPIN
	}
	attempt.Succeeded(ctx)
	return nil
}

// MasterPINChange sets or removes an account's master PIN.
type MasterPINChange struct {
	// PIN is the new master PIN (4 to 6 digits); nil removes it.
	PIN *string
	// Password is the account's password, which confirms the change.
	Password string
	// Address is the caller's: a wrong password counts as a failed sign-in from it.
	Address string
}

// MasterPINSet reports whether the account has a master PIN.
func (s *Service) MasterPINSet(ctx context.Context, tenantID, userID string) (bool, error) {
	var hash string
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		hash, err = s.d.Store.MasterPIN(ctx, userID)
		return err
	})
	return hash != "", err
}

// SetMasterPIN sets (or removes, PIN nil) the account's master PIN, confirmed by the account's
// password: a wrong one is credential.ErrBadCredentials and counts as a failed sign-in. The old
// master PIN is not needed: whoever knows the password may reset it. Audit-logged, without the
// PIN.
func (s *Service) SetMasterPIN(ctx context.Context, tenantID string, by audit.Actor, in MasterPINChange) error {
	var v ports.Validation
	v.Check(in.Password != "", "password", "is required")
	v.Check(in.PIN == nil || ValidPIN(*in.PIN), "pin", "must be 4 to 6 digits")
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := s.hashPIN(in.PIN)
	if err != nil {
		return err
	}
	var email string
	if err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		o, err := s.d.Store.LockOwner(ctx, by.ID)
		email = o.Email
		return err
	}); err != nil {
		return err
	}
	return s.d.Passwords.Guess(ctx, tenantID, email, in.Address, func() error {
		return s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
			o, err := s.d.Store.LockOwner(ctx, by.ID)
			if err != nil {
				return err
			}
			if err := s.d.Passwords.Check(in.Password, o.PasswordHash, nil); err != nil {
				return err
			}
			now := s.now()
			if err := s.d.Store.SaveMasterPIN(ctx, by.ID, hash, now); err != nil {
				return err
			}
			action := "profile.master_pin_set"
			if in.PIN == nil {
				action = "profile.master_pin_removed"
			}
			return s.d.Audit.Append(ctx, audit.NewRecord(tenantID, by, action, "user", by.ID, now))
		})
	})
}
