// Package outbox is the email sender for development and for clients that must not send real
// mail: every message is kept in the database (table email_outbox) through the unit of work,
// in the tenant's scope, and a line is logged saying who it was for and what it was about,
// never its bodies.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.uber.org/fx"

	"github.com/stvos/stvos/ports"
)

// Name is the adapter's name in the catalog.
const Name = "outbox"

// Kept is a message as the outbox keeps it.
type Kept struct {
	ports.EmailMessage
	// At is when it was kept.
	At time.Time
}

// Store keeps the messages, in the scope of the unit of work in ctx.
type Store interface {
	// Add keeps a message once per tenant and ID: added reports false when one with its ID
	// was kept already (a retried job), which is not an error.
	Add(ctx context.Context, m ports.EmailMessage, at time.Time) (added bool, err error)
	// Get reads a kept message by its ID; ErrNotFound when there is none.
	Get(ctx context.Context, id string) (Kept, error)
}

// Sender implements ports.Email by keeping messages.
type Sender struct {
	uow   ports.UnitOfWork
	store Store
	clock ports.Clock
	log   *slog.Logger
}

var _ ports.Email = (*Sender)(nil)

// New returns the outbox over its store.
func New(u ports.UnitOfWork, s Store, c ports.Clock, log *slog.Logger) *Sender {
	return &Sender{uow: u, store: s, clock: c, log: log.With("component", "email-outbox")}
}

// Module provides the outbox to the email senders (group "email").
var Module = fx.Module("email-outbox",
	fx.Provide(fx.Annotate(New, fx.As(new(ports.Email)), fx.ResultTags(`group:"email"`))),
)

// Name implements ports.Email.
func (*Sender) Name() string { return Name }

// Send implements ports.Email: the message is kept in the tenant's outbox.
func (s *Sender) Send(ctx context.Context, tenantID string, m ports.EmailMessage) error {
	if err := m.Check(); err != nil {
		return err
	}
	var added bool
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		var err error
		added, err = s.store.Add(ctx, m, s.clock.Now().UTC())
		return err
	})
	if err != nil {
		if errors.Is(err, ports.ErrNotFound) || errors.Is(err, ports.ErrForbidden) {
			return &ports.SendError{Permanent: true, Err: fmt.Errorf("outbox: %w", err)}
		}
		return &ports.SendError{Err: fmt.Errorf("outbox: %w", err)}
	}
	s.log.InfoContext(ctx, "email kept in the outbox", "tenant_id", tenantID, "id", m.ID, "to", m.To,
		"subject", m.Subject, "repeat", !added)
	return nil
}

// Get reads a message of the tenant's outbox by its ID.
func (s *Sender) Get(ctx context.Context, tenantID, id string) (Kept, error) {
	var k Kept
	err := s.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		var err error
		k, err = s.store.Get(ctx, id)
		return err
	})
	return k, err
}
