// Package audit is the record of who did what to whom in a tenant, and when: every admin change
// writes one, in the same transaction as the change, so the log cannot miss a change or record one
// that did not happen.
package audit

import (
	"context"
	"time"

	"github.com/stvos/stvos/ports"
)

// Record is one audited action.
type Record struct {
	ID         string
	TenantID   string
	ActorKind  string
	ActorID    string
	Action     string
	TargetKind string
	TargetID   string
	Reason     string
	Details    map[string]any
	CreatedAt  time.Time
}

// Store keeps records; it runs in the tenant's unit of work. List returns records newest first,
// before the given record id when it is not empty.
type Store interface {
	Append(ctx context.Context, r Record) error
	List(ctx context.Context, tenantID string, f Filter, before string, limit int) ([]Record, error)
}

// Filter narrows a listing; empty fields match everything.
type Filter struct {
	Action   string
	TargetID string
	ActorID  string
}

// Service reads the log.
type Service struct {
	uow   ports.UnitOfWork
	store Store
}

// NewService returns the audit log reader.
func NewService(uow ports.UnitOfWork, store Store) *Service { return &Service{uow: uow, store: store} }

// List returns a page of the tenant's records, newest first, and whether more exist.
func (s *Service) List(ctx context.Context, tenantID string, f Filter, before string, limit int) ([]Record, bool, error) {
	if before != "" && !ports.IsID(before) {
		return nil, false, ports.Invalid("cursor", "is not a cursor this API returned")
	}
	var rs []Record
	err := s.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		rs, err = s.store.List(ctx, tenantID, f, before, limit+1)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	rs, more := ports.TrimPage(rs, limit)
	return rs, more, nil
}

// Actor is who performs an audited change.
type Actor struct {
	Kind  string
	ID    string
	Roles []string
}

// HasRole reports whether the actor holds the role.
func (a Actor) HasRole(role string) bool {
	for _, r := range a.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// NewRecord returns the record of an action by an actor on a target of the tenant, at a time.
func NewRecord(tenantID string, by Actor, action, targetKind, target string, at time.Time) Record {
	return Record{ID: ports.NewID(), TenantID: tenantID, ActorKind: by.Kind, ActorID: by.ID,
		Action: action, TargetKind: targetKind, TargetID: target, Details: map[string]any{}, CreatedAt: at}
}
