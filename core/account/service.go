package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// SessionTTL is how long a user's sign-in may be refreshed.
const SessionTTL = 30 * 24 * time.Hour

// Deps are what the account use cases need.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	Passwords  *credential.Passwords
	Sessions   *session.Service
	Blobs      ports.BlobStore
	Clock      ports.Clock
	// Greeter, when set, welcomes each new subscriber in their registration's unit of work.
	Greeter Greeter
}

// Service holds a user's own account use cases.
type Service struct{ d Deps }

// NewService returns the account use cases.
func NewService(d Deps) *Service { return &Service{d: d} }

// Greeter welcomes a new subscriber (by email): it runs in the registration's unit of work, so
// the welcome goes out only if the account is created, and its failure undoes the registration.
type Greeter interface {
	Welcome(ctx context.Context, u User) error
}

// Enrollment is the seam through which registration redeems a voucher code (the partner portal
// plugs it in); it runs in the registration's unit of work, so a failed redemption undoes the
// registration.
type Enrollment interface {
	Redeem(ctx context.Context, tenantID, userID, code string) error
}

// Registration is a new subscriber's sign-up.
type Registration struct {
	Email       string
	Password    string
	Name        string
	VoucherCode string
}

// New returns a new active user of the tenant with the password's hash kept.
func New(tenantID, email, passwordHash, name string, roles []string, now time.Time) User {
	return User{ID: ports.NewID(), TenantID: tenantID, Email: email, PasswordHash: passwordHash, DisplayName: strings.TrimSpace(name),
		Locale: "en-US", Timezone: "UTC", PreferredLanguage: "en", Status: UserActive, Roles: roles,
		NotificationPreferences: map[string]bool{}, TermsAcceptedAt: &now, CreatedAt: now, UpdatedAt: now, Version: 1}
}

// Register signs a new subscriber up in the tenant and signs them in.
func (s *Service) Register(ctx context.Context, tenantID string, r Registration, c session.Client, enroll Enrollment) (User, session.TokenSet, error) {
	email := credential.NormalizeEmail(r.Email)
	var v ports.Validation
	ValidateNew(&v, email, r.Password, r.Name)
	v.Check(r.VoucherCode == "" || enroll != nil, "voucherCode", "vouchers are not enabled for this client")
	if err := v.Err(); err != nil {
		return User{}, session.TokenSet{}, err
	}
	hash, err := s.d.Passwords.Hash(r.Password)
	if err != nil {
		return User{}, session.TokenSet{}, err
	}
	u := New(tenantID, email, hash, r.Name, []string{session.RoleSubscriber}, s.d.Clock.Now())
	u.LastLoginAt = &u.CreatedAt
	var ts session.TokenSet
	err = s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if err := s.d.Store.CreateUser(ctx, u); err != nil {
			return err
		}
		if r.VoucherCode != "" {
			if err := enroll.Redeem(ctx, tenantID, u.ID, r.VoucherCode); err != nil {
				return err
			}
		}
		if s.d.Greeter != nil {
			if err := s.d.Greeter.Welcome(ctx, u); err != nil {
				return err
			}
		}
		ts, err = s.d.Sessions.Open(ctx, u.Principal(), c, SessionTTL)
		return err
	})
	return u, ts, err
}

// Provision finds the tenant's user with the email, or creates one without a password (an
// active subscriber named name): how people come from outside, with an enterprise organization
// or by single sign-on. It runs in the caller's tenant unit of work and reports whether the user
// was created; an existing user is linked as is (their name and password untouched). The
// address is validated here; a user created by a concurrent request answers EMAIL_TAKEN.
func (s *Service) Provision(ctx context.Context, tenantID, email, name string) (User, bool, error) {
	email = credential.NormalizeEmail(email)
	var v ports.Validation
	credential.ValidateEmail(&v, "email", email)
	if err := v.Err(); err != nil {
		return User{}, false, err
	}
	found, err := s.d.Store.UserByEmail(ctx, email)
	if err == nil {
		return found, false, nil
	}
	if !errors.Is(err, ports.ErrNotFound) {
		return User{}, false, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = email
	}
	u := New(tenantID, email, "", clipName(name), []string{session.RoleSubscriber}, s.d.Clock.Now())
	u.TermsAcceptedAt = nil
	if err := s.d.Store.CreateUser(ctx, u); err != nil {
		return User{}, false, err
	}
	return u, true, nil
}

func clipName(name string) string {
	r := []rune(name)
	if len(r) > MaxDisplayName {
		return string(r[:MaxDisplayName])
	}
	return name
}

// OpenSession signs the user in without a password (single sign-on vouched for by their
// partner), in the caller's tenant unit of work: the sign-in is recorded and a suspended user
// is refused.
func (s *Service) OpenSession(ctx context.Context, userID string, c session.Client) (User, session.TokenSet, error) {
	u, err := s.d.Store.User(ctx, userID)
	if err != nil {
		return User{}, session.TokenSet{}, err
	}
	if u.Status != UserActive {
		return User{}, session.TokenSet{}, credential.ErrSuspended
	}
	now := s.d.Clock.Now()
	u.LastLoginAt = &now
	if err := s.d.Store.SaveUser(ctx, u); err != nil {
		return User{}, session.TokenSet{}, err
	}
	ts, err := s.d.Sessions.Open(ctx, u.Principal(), c, SessionTTL)
	return u, ts, err
}

// Login signs a user of the tenant in and opens a session.
func (s *Service) Login(ctx context.Context, tenantID, email, password string, c session.Client) (User, session.TokenSet, error) {
	var ts session.TokenSet
	u, err := s.signIn(ctx, tenantID, email, password, c.Address, func(ctx context.Context, u User) (err error) {
		ts, err = s.d.Sessions.Open(ctx, u.Principal(), c, SessionTTL)
		return err
	})
	return u, ts, err
}

// Authenticate checks a user's email and password for a sign-in form (the OAuth authorization
// and device pages) from address: failures throttled, suspended users refused, the sign-in
// recorded. It runs in the caller's unit of work when there is one.
func (s *Service) Authenticate(ctx context.Context, tenantID, email, password, address string) (User, error) {
	return s.signIn(ctx, tenantID, email, password, address, nil)
}

// signIn checks a tenant user's email and password, throttled per account, refusing suspended
// users; it records the sign-in and runs then (if any) in the same unit of work.
func (s *Service) signIn(ctx context.Context, tenantID, email, password, address string, then func(context.Context, User) error) (User, error) {
	email = credential.NormalizeEmail(email)
	var u User
	err := s.d.Passwords.Guess(ctx, tenantID, email, address, func() error {
		return s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
			found, err := s.d.Store.UserByEmail(ctx, email)
			if err := s.d.Passwords.Check(password, found.PasswordHash, err); err != nil {
				return err
			}
			if found.Status != UserActive {
				return credential.ErrSuspended
			}
			now := s.d.Clock.Now()
			found.LastLoginAt = &now
			if err := s.d.Store.SaveUser(ctx, found); err != nil {
				if errors.Is(err, ports.ErrNotFound) {
					return credential.ErrBadCredentials // erased while signing in
				}
				return err
			}
			u = found
			if then == nil {
				return nil
			}
			return then(ctx, found)
		})
	})
	return u, err
}

// Refresh rotates a user's refresh token; suspended users and role changes take effect.
func (s *Service) Refresh(ctx context.Context, tenantID, refreshToken string) (session.TokenSet, error) {
	return s.d.Sessions.Refresh(ctx, session.KindUser, tenantID, refreshToken, func(ctx context.Context, sess session.Session) (session.Principal, error) {
		u, err := s.d.Store.User(ctx, sess.SubjectID)
		if err != nil {
			return session.Principal{}, err
		}
		if u.Status != UserActive {
			return session.Principal{}, credential.ErrSuspended
		}
		return u.Principal(), nil
	})
}

// Me returns the user.
func (s *Service) Me(ctx context.Context, tenantID, userID string) (User, error) {
	var u User
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		u, err = s.d.Store.ReadUser(ctx, userID)
		return err
	})
	return u, err
}

// UpdateMe changes the user's own account fields.
func (s *Service) UpdateMe(ctx context.Context, tenantID, userID string, p Profile) (User, error) {
	var v ports.Validation
	p.validate(&v)
	if err := v.Err(); err != nil {
		return User{}, err
	}
	var u User
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		if u, err = s.d.Store.User(ctx, userID); err != nil {
			return err
		}
		p.apply(&u)
		u.UpdatedAt, u.Version = s.d.Clock.Now(), u.Version+1
		return s.d.Store.SaveUser(ctx, u)
	})
	return u, err
}

// ErrWrongPassword answers a change of password whose current password is wrong.
var ErrWrongPassword = &ports.Error{Kind: ports.ErrInvalid, Code: "INVALID_CURRENT_PASSWORD", Message: "The current password is wrong.",
	Fields: []ports.FieldError{{Field: "current_password", Reason: "is wrong"}}}

// ChangePassword sets a new password, revokes every other session of the user and returns a
// fresh token set for the current one.
func (s *Service) ChangePassword(ctx context.Context, tenantID, userID, sessionID, current, next string) (session.TokenSet, error) {
	var v ports.Validation
	credential.ValidatePassword(&v, "new_password", next)
	v.Check(current != next, "new_password", "must differ from the current password")
	if err := v.Err(); err != nil {
		return session.TokenSet{}, err
	}
	var ts session.TokenSet
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		u, err := s.d.Store.User(ctx, userID)
		if err != nil {
			return err
		}
		if err := s.d.Passwords.Check(current, u.PasswordHash, nil); err != nil {
			if err == credential.ErrBadCredentials {
				return ErrWrongPassword
			}
			return err
		}
		if u.PasswordHash, err = s.d.Passwords.Hash(next); err != nil {
			return err
		}
		u.UpdatedAt, u.Version = s.d.Clock.Now(), u.Version+1
		if err := s.d.Store.SaveUser(ctx, u); err != nil {
			return err
		}
		if err := s.d.Sessions.RevokeAll(ctx, session.KindUser, userID, sessionID); err != nil {
			return err
		}
		ts, err = s.d.Sessions.Renew(ctx, u.Principal(), sessionID)
		return err
	})
	return ts, err
}
