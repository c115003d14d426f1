package ports

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"unicode"
)

// Email sends one message. Each client chooses its sender (the adapter catalog's "email"
// port: "outbox" keeps messages in the database for development, "smtp" hands them to the
// server's mail relay); every call names the tenant it acts for. Sending happens in background
// jobs, never inside a request, so that a temporary failure is retried by the job.
//
// Errors: a message that breaks the port's rules (checked before any server is reached, alike in
// every adapter) is ErrInvalid; a message the mail server refused for good (a 5xx reply: unknown
// recipient, refused sender) is a *SendError that is errors.Is ErrEmailRejected and must not be
// sent again; a failure that may pass (the server unreachable, a 4xx reply, a timeout, the
// database busy) is a *SendError that is errors.Is ErrEmailTemporary, and the job retries it.
type Email interface {
	// Name is the adapter's name in the catalog ("outbox", "smtp").
	Name() string
	// Send sends the message. The outbox keeps a message once per ID (a retried job does not
	// store it twice); SMTP servers do not deduplicate, so a receiving client recognises a
	// repeat by its Message-ID, which is derived from the ID.
	Send(ctx context.Context, tenantID string, m EmailMessage) error
}

// EmailMessage is one message to send.
type EmailMessage struct {
	// ID names the message, unique per tenant: the caller derives it from what caused the
	// message (an invoice's failed attempt, a user's registration), so a retry sends the same
	// ID. It becomes the Message-ID header (<ID@domain of From>) and the X-Stvos-Reference header.
	ID string
	// From is the sender, an address with an optional display name ("Acme <no-reply@acme.tv>").
	From string
	// ReplyTo is where replies go; optional.
	ReplyTo string
	// To are the recipients, at least one.
	To []string
	// Subject is one line.
	Subject string
	// Text and HTML are the two bodies; at least one is required, and both are usual.
	Text string
	HTML string
	// Headers are further headers (List-Unsubscribe, X-…); names must not be ones the port
	// sets itself (From, To, Reply-To, Subject, Message-ID, Date, MIME and content headers).
	Headers map[string]string
}

// ReferenceHeader carries a message's ID, so a message that arrived can be matched to what sent it.
const ReferenceHeader = "X-Stvos-Reference"

// Bounds of a message, the same in every adapter.
const (
	// MaxEmailRecipients bounds To: messages go to one person or a handful, never to lists.
	MaxEmailRecipients = 50
	// MaxEmailSubjectLength bounds the subject in bytes.
	MaxEmailSubjectLength = 998
	// MaxEmailBodyLength bounds each body in bytes.
	MaxEmailBodyLength = 1 << 20
)

// reservedHeaders are set by the port; Headers may not name them.
var reservedHeaders = map[string]bool{
	"from": true, "to": true, "cc": true, "bcc": true, "reply-to": true, "subject": true, "message-id": true,
	"date": true, "mime-version": true, "content-type": true, "content-transfer-encoding": true,
	strings.ToLower(ReferenceHeader): true,
}

// Check refuses a message that breaks the port's rules, before any server sees it.
func (m EmailMessage) Check() error {
	var v Validation
	v.Check(m.ID != "" && len(m.ID) <= MaxIdempotencyKeyLength && !strings.ContainsFunc(m.ID, notMessageIDRune),
		"id", "must be 1 to 200 letters, digits, '.', '-' or '_'")
	v.Check(isAddress(m.From), "from", "must be an email address")
	v.Check(m.ReplyTo == "" || isAddress(m.ReplyTo), "reply_to", "must be an email address")
	v.Check(len(m.To) > 0 && len(m.To) <= MaxEmailRecipients, "to", "must name 1 to 50 recipients")
	for _, to := range m.To {
		if !isAddress(to) {
			v.Check(false, "to", "must be email addresses")
			break
		}
	}
	v.Check(m.Subject != "" && len(m.Subject) <= MaxEmailSubjectLength && !strings.ContainsAny(m.Subject, "\r\n"),
		"subject", "must be one line of 1 to 998 bytes")
	v.Check(m.Text != "" || m.HTML != "", "text", "a text or an HTML body is required")
	v.Check(len(m.Text) <= MaxEmailBodyLength && len(m.HTML) <= MaxEmailBodyLength, "text", "each body must be at most 1 MiB")
	for k, val := range m.Headers {
		ok := k != "" && !reservedHeaders[strings.ToLower(k)] && !strings.ContainsFunc(k, notHeaderNameRune) &&
			!strings.ContainsAny(val, "\r\n")
		if !ok {
			v.Check(false, "headers", "must be header names of printable ASCII without ':' that the port does not set, with one-line values")
			break
		}
	}
	return v.Err()
}

// isAddress holds for one RFC 5322 address, with or without a display name.
func isAddress(s string) bool {
	if strings.ContainsAny(s, "\r\n") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && strings.Contains(a.Address, "@")
}

func notMessageIDRune(r rune) bool {
	return r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_')
}

func notHeaderNameRune(r rune) bool { return r <= ' ' || r >= 0x7f || r == ':' }

// The kinds of *SendError.
var (
	// ErrEmailRejected is a refusal for good: sending the same message again fails again.
	ErrEmailRejected = errors.New("email rejected")
	// ErrEmailTemporary is a failure that may pass: the job retries the message later.
	ErrEmailTemporary = errors.New("email temporarily not sent")
)

// SendError is a message that was not sent.
type SendError struct {
	// Permanent marks a refusal for good (ErrEmailRejected); otherwise the failure is
	// temporary (ErrEmailTemporary).
	Permanent bool
	// Code is the SMTP reply code when a server answered (550, 451…), else 0.
	Code int
	// Err is the cause, for logs; it never carries credentials.
	Err error
}

// Error implements error.
func (e *SendError) Error() string {
	kind := ErrEmailTemporary.Error()
	if e.Permanent {
		kind = ErrEmailRejected.Error()
	}
	if e.Err == nil {
		return kind
	}
	return kind + ": " + e.Err.Error()
}

// Unwrap answers the cause.
func (e *SendError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrEmailRejected) or errors.Is(err, ErrEmailTemporary) hold.
func (e *SendError) Is(target error) bool {
	return (target == ErrEmailRejected && e.Permanent) || (target == ErrEmailTemporary && !e.Permanent)
}
