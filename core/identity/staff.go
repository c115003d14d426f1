package identity

import (
	"context"
	"errors"

	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/ports"
)

func staffPrincipal(st partner.Staff) Principal {
	return Principal{Kind: KindPartnerStaff, SubjectID: st.ID, TenantID: st.TenantID, PartnerID: st.PartnerID,
		Roles: []string{st.Role.PolicyRole()}}
}

// StaffLogin signs partner staff in to the portal. Staff sign in with email and password only:
// the platform directory finds their client.
func (s *Service) StaffLogin(ctx context.Context, email, password string, c Client) (partner.Staff, TokenSet, error) {
	email = partner.NormalizeEmail(email)
	var (
		st partner.Staff
		ts TokenSet
	)
	err := s.guess(ctx, "partner", email, c.Address, func() error { return s.staffSignIn(ctx, email, password, c, &st, &ts) })
	return st, ts, err
}

func (s *Service) staffSignIn(ctx context.Context, email, password string, c Client, st *partner.Staff, ts *TokenSet) error {
	return s.uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		tenantID, err := s.Directory.Lookup(ctx, partner.DirectoryStaffEmail, email)
		if errors.Is(err, ports.ErrNotFound) {
			return s.checkPassword(password, "", err)
		}
		if err != nil {
			return err
		}
		return s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
			*st, err = s.Staff.StaffByEmail(ctx, email)
			if err := s.checkPassword(password, st.PasswordHash, err); err != nil {
				return err
			}
			p, err := s.Staff.Get(ctx, st.PartnerID)
			if err != nil {
				return err
			}
			active, err := s.Tenants.TenantActive(ctx, tenantID)
			if err != nil {
				return err
			}
			if p.Status != partner.StatusActive || !active {
				return ErrSuspended
			}
			*ts, err = s.open(ctx, staffPrincipal(*st), c, StaffSessionTTL)
			return err
		})
	})
}

// StaffProfile is what a staff member sees of themselves.
type StaffProfile struct {
	Staff   partner.Staff
	Partner partner.Partner
}

// StaffMe returns the signed-in staff member with their partner.
func (s *Service) StaffMe(ctx context.Context, tenantID, staffID string) (StaffProfile, error) {
	var out StaffProfile
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		if out.Staff, err = s.Staff.Staff(ctx, staffID); err != nil {
			return err
		}
		out.Partner, err = s.Staff.Get(ctx, out.Staff.PartnerID)
		return err
	})
	return out, err
}
