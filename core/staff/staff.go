// Package staff is partner staff signing in to the partner portal (with email and password alone:
// the platform directory finds their client) and who they are once signed in. The staff records
// themselves belong to core/partner.
package staff

import (
	"context"
	"errors"
	"time"

	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// SessionTTL is how long a staff member's sign-in may be refreshed.
const SessionTTL = 7 * 24 * time.Hour

// Deps are what staff sign-in needs.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	Tenants    TenantStatus
	Directory  ports.Directory
	Passwords  *credential.Passwords
	Sessions   *session.Service
}

// Service holds the staff sign-in use cases.
type Service struct{ d Deps }

// NewService returns staff sign-in.
func NewService(d Deps) *Service { return &Service{d: d} }

func principal(st partner.Staff) session.Principal {
	return session.Principal{Kind: session.KindPartnerStaff, SubjectID: st.ID, TenantID: st.TenantID, PartnerID: st.PartnerID,
		Roles: []string{st.Role.PolicyRole()}}
}

// Refresh rotates a staff member's refresh token; their current role takes effect.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (session.TokenSet, error) {
	return s.d.Sessions.Refresh(ctx, session.KindPartnerStaff, "", refreshToken, func(ctx context.Context, sess session.Session) (session.Principal, error) {
		st, err := s.d.Store.Staff(ctx, sess.SubjectID)
		return principal(st), err
	})
}

// Login signs partner staff in to the portal. Staff sign in with email and password only:
// the platform directory finds their client.
func (s *Service) Login(ctx context.Context, email, password string, c session.Client) (partner.Staff, session.TokenSet, error) {
	email = credential.NormalizeEmail(email)
	var (
		st partner.Staff
		ts session.TokenSet
	)
	err := s.d.Passwords.Guess(ctx, "partner", email, c.Address, func() error { return s.signIn(ctx, email, password, c, &st, &ts) })
	return st, ts, err
}

func (s *Service) signIn(ctx context.Context, email, password string, c session.Client, st *partner.Staff, ts *session.TokenSet) error {
	return s.d.UnitOfWork.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		tenantID, err := s.d.Directory.Lookup(ctx, partner.DirectoryStaffEmail, email)
		if errors.Is(err, ports.ErrNotFound) {
			return s.d.Passwords.Check(password, "", err)
		}
		if err != nil {
			return err
		}
		return s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
			*st, err = s.d.Store.StaffByEmail(ctx, email)
			if err := s.d.Passwords.Check(password, st.PasswordHash, err); err != nil {
				return err
			}
			p, err := s.d.Store.Get(ctx, st.PartnerID)
			if err != nil {
				return err
			}
			active, err := s.d.Tenants.TenantActive(ctx, tenantID)
			if err != nil {
				return err
			}
			if p.Status != partner.StatusActive || !active {
				return credential.ErrSuspended
			}
			*ts, err = s.d.Sessions.Open(ctx, principal(*st), c, SessionTTL)
			return err
		})
	})
}

// Profile is what a staff member sees of themselves.
type Profile struct {
	Staff   partner.Staff
	Partner partner.Partner
}

// Me returns the signed-in staff member with their partner.
func (s *Service) Me(ctx context.Context, tenantID, staffID string) (Profile, error) {
	var out Profile
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		if out.Staff, err = s.d.Store.Staff(ctx, staffID); err != nil {
			return err
		}
		out.Partner, err = s.d.Store.Get(ctx, out.Staff.PartnerID)
		return err
	})
	return out, err
}
