package voucher

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/throttle"
	"github.com/stvos/stvos/ports"
)

// Deps are what the voucher use cases need.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	Partners   Partners
	Audit      audit.Store
	Throttle   *throttle.Throttle
	Clock      ports.Clock
}

// Service holds the voucher use cases.
type Service struct{ d Deps }

// NewService returns the voucher use cases.
func NewService(d Deps) *Service { return &Service{d: d} }

// Staff is the partner staff member acting, as their token names them.
type Staff struct {
	TenantID  string
	PartnerID string
	Actor     audit.Actor
}

// Generation asks for codes.
type Generation struct {
	Quantity  int
	Prefix    string
	ExpiresAt *time.Time
}

// ErrNotUsable is the one answer to a code that cannot register (unknown, another client's,
// redeemed, revoked or expired), so answers do not tell which codes exist.
var ErrNotUsable = &ports.Error{Kind: ports.ErrInvalid, Code: "INVALID_VOUCHER",
	Message: "This voucher code cannot be used: check it, or ask your gym or employer for a new one.",
	Fields:  []ports.FieldError{{Field: "voucherCode", Reason: "is not a usable voucher code"}}}

// maxRounds bounds the regeneration of codes that collided with existing ones.
const maxRounds = 8

// Generate makes codes for the staff member's partner: 1 to MaxPerRequest, with an optional
// prefix (letters and digits, up to 12, upper-cased) and expiry (in the future, within
// MaxValidity). All are made or none.
func (s *Service) Generate(ctx context.Context, by Staff, g Generation) ([]Voucher, error) {
	now := s.d.Clock.Now()
	g.Prefix = strings.ToUpper(strings.TrimSpace(g.Prefix))
	var v ports.Validation
	v.Check(g.Quantity >= 1 && g.Quantity <= MaxPerRequest, "quantity", "must be between 1 and 500")
	v.Check(g.Prefix == "" || prefixPattern.MatchString(g.Prefix), "prefix", "must be 1 to 12 letters or digits")
	if g.ExpiresAt != nil {
		v.Check(g.ExpiresAt.After(now), "expiresAt", "must be in the future")
		v.Check(g.ExpiresAt.Before(now.Add(MaxValidity)), "expiresAt", "must be within 5 years")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var exp *time.Time
	if g.ExpiresAt != nil {
		t := g.ExpiresAt.UTC().Truncate(time.Second)
		exp = &t
	}
	var made []Voucher
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(by.TenantID), func(ctx context.Context) error {
		made = made[:0]
		for round := 0; len(made) < g.Quantity; round++ {
			if round == maxRounds {
				return errors.New("voucher: codes keep colliding; the prefix's code space is nearly full")
			}
			batch := make([]Voucher, 0, g.Quantity-len(made))
			seen := map[string]bool{}
			for len(batch) < cap(batch) {
				code, err := newCode(g.Prefix)
				if err != nil {
					return err
				}
				if seen[code] {
					continue
				}
				seen[code] = true
				batch = append(batch, Voucher{TenantID: by.TenantID, PartnerID: by.PartnerID, Code: code, Status: Active,
					ExpiresAt: exp, CreatedBy: by.Actor.ID, CreatedAt: now})
			}
			in, err := s.d.Store.CreateVouchers(ctx, batch)
			if err != nil {
				return err
			}
			made = append(made, in...)
		}
		r := audit.NewRecord(by.TenantID, by.Actor, "vouchers.generated", "partner", by.PartnerID, now)
		r.Details = map[string]any{"quantity": g.Quantity, "prefix": g.Prefix}
		return s.d.Audit.Append(ctx, r)
	})
	return made, err
}

// Page is a page of a listing with the total matching.
type Page struct {
	Vouchers []Voucher
	Total    int
}

// MaxPageSize bounds a page of vouchers.
const MaxPageSize = 100

// List returns a page (1-based) of the partner's vouchers, newest first.
func (s *Service) List(ctx context.Context, by Staff, f Filter, page, limit int) (Page, error) {
	if err := validateFilter(f); err != nil {
		return Page{}, err
	}
	var p Page
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(by.TenantID), func(ctx context.Context) (err error) {
		p.Vouchers, p.Total, err = s.d.Store.ListVouchers(ctx, by.PartnerID, f, s.d.Clock.Now(), (page-1)*limit, limit)
		return err
	})
	return p, err
}

func validateFilter(f Filter) error {
	var v ports.Validation
	v.Check(f.Status == "" || ValidStatus(f.Status), "status", "must be active, redeemed, expired or revoked")
	v.Check(len(f.Search) <= 64, "search", "must be at most 64 characters")
	return v.Err()
}

// Revoke revokes an active code of the partner. A redeemed or expired code cannot be revoked
// (409); revoking a revoked code again changes nothing.
func (s *Service) Revoke(ctx context.Context, by Staff, id int64) (Voucher, error) {
	var out Voucher
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(by.TenantID), func(ctx context.Context) error {
		vc, err := s.d.Store.Voucher(ctx, by.PartnerID, id)
		if err != nil {
			return err
		}
		now := s.d.Clock.Now()
		switch vc.StatusAt(now) {
		case Revoked:
			out = vc
			return nil
		case Redeemed:
			return ports.Conflict("VOUCHER_REDEEMED", "This voucher was redeemed and cannot be revoked; the member keeps their access.")
		case Expired:
			return ports.Conflict("VOUCHER_EXPIRED", "This voucher has expired and can no longer be used; there is nothing to revoke.")
		}
		if err := s.d.Store.RevokeVoucher(ctx, id, now); err != nil {
			return err
		}
		vc.Status, vc.RevokedAt = Revoked, &now
		out = vc
		return s.d.Audit.Append(ctx, audit.NewRecord(by.TenantID, by.Actor, "voucher.revoked", "voucher", strconv.FormatInt(id, 10), now))
	})
	return out, err
}

// Stats counts the partner's vouchers by status.
func (s *Service) Stats(ctx context.Context, by Staff) (Stats, error) {
	var st Stats
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(by.TenantID), func(ctx context.Context) (err error) {
		st, err = s.d.Store.VoucherStats(ctx, by.PartnerID, s.d.Clock.Now())
		return err
	})
	return st, err
}

// ExportHeader is the header row of a voucher export.
var ExportHeader = []string{"id", "code", "status", "expiresAt", "createdAt", "redeemedAt", "revokedAt"}

// CheckExport validates an export's filter before anything is written.
func (s *Service) CheckExport(f Filter) error { return validateFilter(f) }

// Export writes the partner's vouchers matching the filter to the table, newest first, row by
// row from a cursor.
func (s *Service) Export(ctx context.Context, by Staff, f Filter, t ports.TableWriter) error {
	if err := validateFilter(f); err != nil {
		return err
	}
	if err := t.Row(ExportHeader...); err != nil {
		return err
	}
	now := s.d.Clock.Now()
	cells := make([]string, len(ExportHeader)) // one row's cells, reused: a table writer keeps none
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(by.TenantID), func(ctx context.Context) error {
		return s.d.Store.EachVoucher(ctx, by.PartnerID, f, now, func(v Voucher) error {
			cells[0], cells[1], cells[2], cells[3] = strconv.FormatInt(v.ID, 10), v.Code, v.StatusAt(now), stamp(v.ExpiresAt)
			cells[4], cells[5], cells[6] = stamp(&v.CreatedAt), stamp(v.RedeemedAt), stamp(v.RevokedAt)
			return t.Row(cells...)
		})
	})
	if err != nil {
		return err
	}
	return t.Flush()
}

func stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Validation is what the app learns of a usable code.
type Validation struct {
	Code        string
	PartnerName string
	ExpiresAt   *time.Time
}

// Validate tells whether a code can register in the tenant. Every unusable code gets the same
// answer (ErrNotUsable), and each counts as a failed guess from the address, so codes cannot be
// enumerated.
func (s *Service) Validate(ctx context.Context, tenantID, code, address string) (Validation, error) {
	attempt, err := s.d.Throttle.Begin(ctx, "voucher", "", address)
	if err != nil {
		return Validation{}, err
	}
	code = NormalizeCode(code)
	var out Validation
	err = s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		vc, err := s.d.Store.UsableVoucher(ctx, code, s.d.Clock.Now())
		if err != nil {
			return err
		}
		name, err := s.d.Partners.PartnerName(ctx, vc.PartnerID)
		if err != nil {
			return err
		}
		out = Validation{Code: vc.Code, PartnerName: name, ExpiresAt: vc.ExpiresAt}
		return nil
	})
	if errors.Is(err, ports.ErrNotFound) {
		attempt.Failed(ctx)
		return Validation{}, ErrNotUsable
	}
	return out, err
}

// Redeem spends a code for a user who registers with it and makes them a member of the code's
// partner. It runs in the registration's unit of work (it is account.Enrollment), so the account
// and the redemption are made together or not at all.
func (s *Service) Redeem(ctx context.Context, tenantID, userID, code string) error {
	now := s.d.Clock.Now()
	vc, err := s.d.Store.RedeemVoucher(ctx, NormalizeCode(code), userID, now)
	if errors.Is(err, ports.ErrNotFound) {
		return ErrNotUsable
	}
	if err != nil {
		return err
	}
	return s.d.Store.AddMember(ctx, Member{TenantID: tenantID, PartnerID: vc.PartnerID, UserID: userID, VoucherID: vc.ID, JoinedAt: now})
}
