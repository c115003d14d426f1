package identity

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/ports"
)

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

func userPrincipal(u User) Principal {
	return Principal{Kind: KindUser, SubjectID: u.ID, TenantID: u.TenantID, Roles: append([]string(nil), u.Roles...)}
}

func (s *Service) newUser(tenantID, email, password, name string, roles []string) (User, error) {
	hash, err := s.Hasher.Hash(password)
	if err != nil {
		return User{}, err
	}
	now := s.Clock.Now()
	return User{ID: ports.NewID(), TenantID: tenantID, Email: email, PasswordHash: hash, DisplayName: strings.TrimSpace(name),
		Locale: "en-US", Timezone: "UTC", PreferredLanguage: "en", Status: UserActive, Roles: roles,
		NotificationPreferences: map[string]bool{}, TermsAcceptedAt: &now, CreatedAt: now, UpdatedAt: now, Version: 1}, nil
}

// Register signs a new subscriber up in the tenant and signs them in.
func (s *Service) Register(ctx context.Context, tenantID string, r Registration, c Client, enroll Enrollment) (User, TokenSet, error) {
	email := partner.NormalizeEmail(r.Email)
	var v ports.Validation
	validateNewUser(&v, email, r.Password, r.Name)
	v.Check(r.VoucherCode == "" || enroll != nil, "voucherCode", "vouchers are not enabled for this client")
	if err := v.Err(); err != nil {
		return User{}, TokenSet{}, err
	}
	u, err := s.newUser(tenantID, email, r.Password, r.Name, []string{RoleSubscriber})
	if err != nil {
		return User{}, TokenSet{}, err
	}
	u.LastLoginAt = &u.CreatedAt
	var ts TokenSet
	err = s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if err := s.Store.CreateUser(ctx, u); err != nil {
			return err
		}
		if r.VoucherCode != "" {
			if err := enroll.Redeem(ctx, tenantID, u.ID, r.VoucherCode); err != nil {
				return err
			}
		}
		ts, err = s.open(ctx, userPrincipal(u), c, UserSessionTTL)
		return err
	})
	return u, ts, err
}

// Login signs a user of the tenant in and opens a session.
func (s *Service) Login(ctx context.Context, tenantID, email, password string, c Client) (User, TokenSet, error) {
	var ts TokenSet
	u, err := s.signIn(ctx, tenantID, email, password, c.Address, func(ctx context.Context, u User) (err error) {
		ts, err = s.open(ctx, userPrincipal(u), c, UserSessionTTL)
		return err
	})
	return u, ts, err
}

// signIn checks a tenant user's email and password, throttled per account, refusing suspended
// users; it records the sign-in and runs then (if any) in the same unit of work.
func (s *Service) signIn(ctx context.Context, tenantID, email, password, address string, then func(context.Context, User) error) (User, error) {
	email = partner.NormalizeEmail(email)
	var u User
	err := s.guess(ctx, tenantID, email, address, func() error { return s.userSignIn(ctx, tenantID, email, password, &u, then) })
	return u, err
}

func (s *Service) userSignIn(ctx context.Context, tenantID, email, password string, out *User, then func(context.Context, User) error) error {
	return s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		u, err := s.Store.UserByEmail(ctx, email)
		if err := s.checkPassword(password, u.PasswordHash, err); err != nil {
			return err
		}
		if u.Status != UserActive {
			return ErrSuspended
		}
		now := s.Clock.Now()
		u.LastLoginAt = &now
		if err := s.Store.SaveUser(ctx, u); err != nil {
			return err
		}
		*out = u
		if then == nil {
			return nil
		}
		return then(ctx, u)
	})
}

// Actor is who performs an administrative change, for the audit log.
type Actor struct {
	Kind  string
	ID    string
	Roles []string
}

// IsSuperadmin reports whether the actor holds superadmin.
func (a Actor) IsSuperadmin() bool {
	for _, r := range a.Roles {
		if r == RoleSuperadmin {
			return true
		}
	}
	return false
}

// CreateAdmin creates an admin user of the tenant; they sign in like its subscribers.
func (s *Service) CreateAdmin(ctx context.Context, tenantID, email, password, name string, by Actor) (User, error) {
	if !ports.IsID(tenantID) {
		return User{}, ports.NotFound("tenant")
	}
	email = partner.NormalizeEmail(email)
	var v ports.Validation
	validateNewUser(&v, email, password, name)
	if err := v.Err(); err != nil {
		return User{}, err
	}
	u, err := s.newUser(tenantID, email, password, name, []string{RoleSubscriber, RoleAdmin})
	if err != nil {
		return User{}, err
	}
	err = s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if err := s.Store.CreateUser(ctx, u); err != nil {
			if errors.Is(err, ports.ErrNotFound) {
				return ports.NotFound("tenant")
			}
			return err
		}
		return s.record(ctx, tenantID, by, "user.create_admin", u.ID, "", nil)
	})
	return u, err
}

// Me returns the user.
func (s *Service) Me(ctx context.Context, tenantID, userID string) (User, error) {
	var u User
	err := s.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		u, err = s.Store.ReadUser(ctx, userID)
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
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		if u, err = s.Store.User(ctx, userID); err != nil {
			return err
		}
		p.apply(&u)
		u.UpdatedAt, u.Version = s.Clock.Now(), u.Version+1
		return s.Store.SaveUser(ctx, u)
	})
	return u, err
}

// ErrWrongPassword answers a change of password whose current password is wrong.
var ErrWrongPassword = &ports.Error{Kind: ports.ErrInvalid, Code: "INVALID_CURRENT_PASSWORD", Message: "The current password is wrong.",
	Fields: []ports.FieldError{{Field: "current_password", Reason: "is wrong"}}}

// ChangePassword sets a new password, revokes every other session of the user and returns a
// fresh token set for the current one.
func (s *Service) ChangePassword(ctx context.Context, tenantID, userID, sessionID, current, next string) (TokenSet, error) {
	var v ports.Validation
	partner.ValidatePassword(&v, "new_password", next)
	v.Check(current != next, "new_password", "must differ from the current password")
	if err := v.Err(); err != nil {
		return TokenSet{}, err
	}
	var ts TokenSet
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		u, err := s.Store.User(ctx, userID)
		if err != nil {
			return err
		}
		ok, err := s.Hasher.Verify(current, u.PasswordHash)
		if err != nil {
			return err
		}
		if !ok {
			return ErrWrongPassword
		}
		if u.PasswordHash, err = s.Hasher.Hash(next); err != nil {
			return err
		}
		u.UpdatedAt, u.Version = s.Clock.Now(), u.Version+1
		if err := s.Store.SaveUser(ctx, u); err != nil {
			return err
		}
		if err := s.revokeAll(ctx, KindUser, userID, sessionID); err != nil {
			return err
		}
		sess, err := s.Store.Session(ctx, sessionID)
		if err != nil {
			return err
		}
		refresh, hash := newRefreshToken(sess)
		sess.PreviousHash, sess.RefreshHash, sess.LastUsedAt = nil, hash, s.Clock.Now()
		if err := s.Store.SaveSession(ctx, sess); err != nil {
			return err
		}
		ts, err = s.issue(ctx, userPrincipal(u), sess.ID, refresh)
		return err
	})
	return ts, err
}

func (s *Service) record(ctx context.Context, tenantID string, by Actor, action, target, reason string, details map[string]any) error {
	r := auditRecord(tenantID, by, action, "user", target, s.Clock.Now())
	r.Reason = reason
	if details != nil {
		r.Details = details
	}
	return s.Audit.Append(ctx, r)
}

func auditRecord(tenantID string, by Actor, action, targetKind, target string, at time.Time) audit.Record {
	return audit.Record{ID: ports.NewID(), TenantID: tenantID, ActorKind: by.Kind, ActorID: by.ID,
		Action: action, TargetKind: targetKind, TargetID: target, Details: map[string]any{}, CreatedAt: at}
}
