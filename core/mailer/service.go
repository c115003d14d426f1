package mailer

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/stvos/stvos/ports"
)

// SendKind is the kind of the job that renders and sends one message.
const SendKind = "email.send"

// Message is one message to render and send for an event: the arguments of the email.send job.
type Message struct {
	TenantID string `json:"tenant_id"`
	// ID names the message, unique per tenant, derived from what caused it (the event and its
	// subject, such as "welcome-<user id>"), so a retried job sends the same message ID.
	ID    string `json:"id"`
	Event string `json:"event"`
	// To is the recipient's address; Name the name the message greets them by (optional).
	To   string `json:"to"`
	Name string `json:"name,omitempty"`
	// Language is the recipient's language (BCP 47, "de-AT"); empty: English.
	Language string `json:"language,omitempty"`
	// Data are the event's values (see the events' constants).
	Data map[string]string `json:"data,omitempty"`
	// UserID is the account the message is about, when it is one: its in-app notice goes with it
	// (see the app's announcer).
	UserID string `json:"user_id,omitempty"`
}

// Kind names the job.
func (Message) Kind() string { return SendKind }

// Senders hands each client the email sender it chose.
type Senders interface {
	For(ctx context.Context, tenantID string) (ports.Email, error)
}

// Brands answers a client's branding.
type Brands interface {
	Brand(ctx context.Context, tenantID string) (Brand, error)
}

// Queue enqueues messages; use cases call it in the unit of work of the change that causes them.
type Queue struct {
	renderer *Renderer
	jobs     ports.Jobs
}

// NewQueue returns the queue.
func NewQueue(r *Renderer, j ports.Jobs) *Queue { return &Queue{renderer: r, jobs: j} }

// Enqueue checks a message and enqueues its job in the unit of work in ctx: the message is
// sent after, and only if, the unit of work commits. An unknown event or a bad address is
// ErrInvalid.
func (q *Queue) Enqueue(ctx context.Context, m Message) error {
	var v ports.Validation
	_, known := q.renderer.events[m.Event]
	v.Check(known, "event", "must be one of "+strings.Join(q.renderer.Events(), ", "))
	v.Check(ports.IsID(m.TenantID), "tenant_id", "must be a tenant id")
	v.Check(m.ID != "" && len(m.ID) <= 150 && !strings.ContainsFunc(m.ID, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
	}), "id", "must be 1 to 150 letters, digits, '.', '-' or '_'")
	addr, err := mail.ParseAddress(m.To)
	v.Check(err == nil && !strings.ContainsAny(m.To, "\r\n<>") && addr.Address == m.To, "to", "must be one bare email address")
	if err := v.Err(); err != nil {
		return err
	}
	return q.jobs.Enqueue(ctx, m)
}

// Deps are what delivering needs.
type Deps struct {
	Renderer *Renderer
	Senders  Senders
	Brands   Brands
	// From is the platform's sender address; messages go out under the client's name with it.
	From string
}

// Delivery renders and sends messages; the email.send job's worker calls it.
type Delivery struct{ d Deps }

// NewDelivery returns the delivery.
func NewDelivery(d Deps) *Delivery { return &Delivery{d: d} }

// Deliver renders a message in its recipient's language with its client's branding and sends it
// through the client's sender. The sender's errors pass through: ErrEmailTemporary is worth a
// retry, ErrEmailRejected and ErrInvalid are not.
func (s *Delivery) Deliver(ctx context.Context, m Message) error {
	brand, err := s.d.Brands.Brand(ctx, m.TenantID)
	if err != nil {
		return err
	}
	r, err := s.d.Renderer.Render(m.Event, m.Language, brand, m.Name, m.Data)
	if err != nil {
		return errors.Join(ports.ErrInvalid, err)
	}
	sender, err := s.d.Senders.For(ctx, m.TenantID)
	if err != nil {
		return err
	}
	from, err := mail.ParseAddress(s.d.From)
	if err != nil {
		return fmt.Errorf("mailer: the platform's sender %q: %w", s.d.From, err)
	}
	from.Name = brand.Name
	return sender.Send(ctx, m.TenantID, ports.EmailMessage{
		ID: m.Event + "-" + m.ID, From: from.String(), To: []string{m.To}, Subject: r.Subject, Text: r.Text, HTML: r.HTML,
		Headers: map[string]string{"X-Stvos-Event": m.Event, "Content-Language": r.Language},
	})
}
