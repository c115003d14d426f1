package partner

import (
	"context"
	"errors"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// Sessions ends a staff member's sign-ins, so a removal or a new role takes effect at once
// rather than when the access token expires.
type Sessions interface {
	RevokeAll(ctx context.Context, kind, subjectID, keep string) error
}

// Refusals of staff management. Owners manage the others; a partner always keeps an owner.
var (
	ErrSelf      = ports.Conflict("CANNOT_CHANGE_SELF", "You cannot remove yourself or change your own role; ask another owner.")
	ErrLastOwner = ports.Conflict("LAST_OWNER", "A partner keeps at least one owner: make someone else owner first.")
)

// StaffChange names the staff member an owner acts on, and the owner.
type StaffChange struct {
	TenantID  string
	PartnerID string
	// ActorID is the staff member making the change; they cannot change or remove themselves.
	ActorID string
	StaffID string
	// By is the owner as the audit log names them.
	By audit.Actor
}

// ChangeStaffRole gives a staff member of the partner another role. Their sessions end, so the
// new role applies from their next sign-in. The last owner cannot be demoted.
func (s *Service) ChangeStaffRole(ctx context.Context, c StaffChange, role Role) (Staff, error) {
	var v ports.Validation
	v.Check(role == RoleOwner || role == RoleAdmin || role == RoleViewer, "role", "must be owner, admin or viewer")
	if err := v.Err(); err != nil {
		return Staff{}, err
	}
	var st Staff
	err := s.changeStaff(ctx, c, func(ctx context.Context, cur Staff, owners int) error {
		if cur.Role == RoleOwner && role != RoleOwner && owners <= 1 {
			return ErrLastOwner
		}
		st = cur
		if cur.Role == role {
			return nil
		}
		st.Role = role
		if err := s.store.SetStaffRole(ctx, cur.ID, role); err != nil {
			return err
		}
		if err := s.record(ctx, c.By, "partner_staff.change_role", cur, map[string]any{"from": string(cur.Role), "to": string(role)}); err != nil {
			return err
		}
		return s.sessions.RevokeAll(ctx, session.KindPartnerStaff, cur.ID, "")
	})
	return st, err
}

// RemoveStaff deletes a staff account of the partner: its sign-ins end at once and its email
// becomes free. The last owner cannot be removed.
func (s *Service) RemoveStaff(ctx context.Context, c StaffChange) error {
	return s.changeStaff(ctx, c, func(ctx context.Context, cur Staff, owners int) error {
		if cur.Role == RoleOwner && owners <= 1 {
			return ErrLastOwner
		}
		if err := s.store.DeleteStaff(ctx, cur.ID); err != nil {
			return err
		}
		if err := s.dir.Unregister(ctx, DirectoryStaffEmail, cur.Email); err != nil {
			return err
		}
		if err := s.record(ctx, c.By, "partner_staff.remove", cur, map[string]any{"role": string(cur.Role)}); err != nil {
			return err
		}
		return s.sessions.RevokeAll(ctx, session.KindPartnerStaff, cur.ID, "")
	})
}

// changeStaff runs fn on a staff member of the partner with the partner locked (so two owners
// acting at once cannot remove the last owner between them), given how many owners it has.
// Another partner's staff member is not found.
func (s *Service) changeStaff(ctx context.Context, c StaffChange, fn func(ctx context.Context, cur Staff, owners int) error) error {
	if !ports.IsID(c.StaffID) || !ports.IsID(c.PartnerID) || !ports.IsID(c.TenantID) {
		return ports.NotFound("staff")
	}
	if c.StaffID == c.ActorID {
		return ErrSelf
	}
	return s.uow.Do(ctx, ports.TenantScope(c.TenantID), func(ctx context.Context) error {
		if _, err := s.store.LockPartner(ctx, c.PartnerID); err != nil {
			return err
		}
		cur, err := s.store.Staff(ctx, c.StaffID)
		if errors.Is(err, ports.ErrNotFound) || (err == nil && cur.PartnerID != c.PartnerID) {
			return ports.NotFound("staff")
		}
		if err != nil {
			return err
		}
		owners, err := s.store.CountOwners(ctx, c.PartnerID)
		if err != nil {
			return err
		}
		return fn(ctx, cur, owners)
	})
}

// record appends an audit record of a change to a staff account, in the change's unit of work.
// Accounts made without a person acting (the dev seed) are recorded as the system's.
func (s *Service) record(ctx context.Context, by audit.Actor, action string, st Staff, details map[string]any) error {
	if by.Kind == "" {
		by = audit.Actor{Kind: "system"}
	}
	r := audit.NewRecord(st.TenantID, by, action, "partner_staff", st.ID, s.clock.Now())
	r.Details = details
	if r.Details == nil {
		r.Details = map[string]any{}
	}
	r.Details["email"] = st.Email
	return s.audit.Append(ctx, r)
}
