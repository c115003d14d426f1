package member

import (
	"context"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/ports"
)

// Service holds the members use cases.
type Service struct {
	uow   ports.UnitOfWork
	store Store
	clock ports.Clock
}

// NewService returns the members use cases.
func NewService(uow ports.UnitOfWork, store Store, clock ports.Clock) *Service {
	return &Service{uow: uow, store: store, clock: clock}
}

// Partner is the partner whose members are read, as the staff token names it.
type Partner struct {
	TenantID  string
	PartnerID string
}

// Page is a page of members and how many match.
type Page struct {
	Members []Member
	Total   int
}

func validate(f Filter) error {
	var v ports.Validation
	v.Check(f.Status == "" || f.Status == StatusActive || f.Status == StatusInactive, "status", "must be active or inactive")
	v.Check(f.Sort == "" || ValidSort(f.Sort), "sort", "must be name, email, joinedAt, watchTime or lastWatchedAt, optionally preceded by -")
	v.Check(utf8.RuneCountInString(f.Search) <= 100, "search", "must be at most 100 characters")
	return v.Err()
}

// List returns a page (1-based) of the partner's members, active as of now.
func (s *Service) List(ctx context.Context, p Partner, f Filter, page, limit int) (Page, error) {
	if err := validate(f); err != nil {
		return Page{}, err
	}
	var out Page
	err := s.uow.Read(ctx, ports.TenantScope(p.TenantID), func(ctx context.Context) (err error) {
		out.Members, out.Total, err = s.store.Members(ctx, p.PartnerID, f, ActiveNow(s.clock.Now()), (page-1)*limit, limit)
		return err
	})
	return out, err
}

// Detail is a member with their latest viewing.
type Detail struct {
	Member
	History []Viewing
}

// HistoryLength is how many viewings a member's detail shows.
const HistoryLength = 50

// Get returns a member of the partner with their latest viewing.
func (s *Service) Get(ctx context.Context, p Partner, userID string) (Detail, error) {
	if !ports.IsID(userID) {
		return Detail{}, ports.NotFound("member")
	}
	var d Detail
	err := s.uow.Read(ctx, ports.TenantScope(p.TenantID), func(ctx context.Context) (err error) {
		if d.Member, err = s.store.Member(ctx, p.PartnerID, userID, ActiveNow(s.clock.Now())); err != nil {
			return err
		}
		d.History, err = s.store.Viewings(ctx, userID, HistoryLength)
		return err
	})
	if ports.AsError(err) != nil && ports.AsError(err).Kind == ports.ErrNotFound {
		return Detail{}, ports.NotFound("member")
	}
	return d, err
}

// ExportHeader is the header row of a members export.
var ExportHeader = []string{"id", "name", "email", "accountStatus", "joinedAt", "voucherCode", "active", "watchTimeMinutes",
	"classesWatched", "classesCompleted", "lastWatchedAt"}

// CheckExport validates an export's filter before anything is written.
func (s *Service) CheckExport(f Filter) error { return validate(f) }

// Export writes the partner's members matching the filter with their activity to the table.
func (s *Service) Export(ctx context.Context, p Partner, f Filter, t ports.TableWriter) error {
	if err := validate(f); err != nil {
		return err
	}
	if err := t.Row(ExportHeader...); err != nil {
		return err
	}
	cells := make([]string, len(ExportHeader)) // one row's cells, reused: a table writer keeps none
	err := s.uow.Read(ctx, ports.TenantScope(p.TenantID), func(ctx context.Context) error {
		return s.store.EachMember(ctx, p.PartnerID, f, ActiveNow(s.clock.Now()), func(m Member) error {
			cells[0], cells[1], cells[2], cells[3] = m.UserID, m.Name, m.Email, m.AccountStatus
			cells[4], cells[5], cells[6] = m.JoinedAt.UTC().Format(time.RFC3339), m.VoucherCode, strconv.FormatBool(m.Active)
			cells[7], cells[8] = strconv.Itoa(Minutes(m.WatchSeconds)), strconv.Itoa(m.ClassesWatched)
			cells[9], cells[10] = strconv.Itoa(m.ClassesCompleted), stamp(m.LastWatchedAt)
			return t.Row(cells...)
		})
	})
	if err != nil {
		return err
	}
	return t.Flush()
}

// Minutes rounds seconds to whole minutes, as every report shows watch time.
func Minutes(seconds int) int { return (seconds + 30) / 60 }

func stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
