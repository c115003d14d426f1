// Package smtp sends the platform's email through an SMTP relay with go-mail: one connection a
// message (messages are sent by background jobs, one per job), STARTTLS as the server setting
// asks, and the relay's replies translated once into the port's error kinds (5xx: rejected for
// good; anything else: temporary, the job retries).
package smtp

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"go.uber.org/fx"

	"github.com/stvos/stvos/ports"
)

// Name is the adapter's name in the catalog.
const Name = "smtp"

// Config is the relay, from the server setting STVOS_SMTP_URL.
type Config struct {
	// URL is smtp://user:password@host:port?starttls=mandatory|opportunistic|none (port 587
	// by default; starttls mandatory by default) or smtps://user:password@host:port (implicit
	// TLS, port 465 by default). Empty: the adapter is not provided.
	URL string
	// Timeout bounds dialling and each command; zero means 15 seconds.
	Timeout time.Duration
}

// Sender implements ports.Email over an SMTP relay.
type Sender struct {
	opts []gomail.Option
	host string
}

var _ ports.Email = (*Sender)(nil)

// ParseURL checks a relay URL and answers the client options it means. Its errors never repeat
// the password.
func ParseURL(raw string, timeout time.Duration) (host string, opts []gomail.Option, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", nil, errors.New("smtp: the URL does not parse (want smtp://user:password@host:port)")
	}
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	opts = []gomail.Option{gomail.WithTimeout(timeout)}
	port := 587
	switch u.Scheme {
	case "smtp":
		policy := gomail.TLSMandatory
		switch s := u.Query().Get("starttls"); s {
		case "", "mandatory":
		case "opportunistic":
			policy = gomail.TLSOpportunistic
		case "none":
			policy = gomail.NoTLS
		default:
			return "", nil, fmt.Errorf("smtp: starttls=%q: want mandatory, opportunistic or none", s)
		}
		opts = append(opts, gomail.WithTLSPolicy(policy))
	case "smtps":
		port = 465
		opts = append(opts, gomail.WithSSL())
	default:
		return "", nil, fmt.Errorf("smtp: scheme %q: want smtp or smtps", u.Scheme)
	}
	if u.Hostname() == "" {
		return "", nil, errors.New("smtp: the URL names no host")
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return "", nil, errors.New("smtp: the port must be 1 to 65535")
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil && u.User.Username() != "" {
		pass, _ := u.User.Password()
		// Plain over a connection without TLS only when the URL says starttls=none (a relay on
		// loopback or inside a private network); otherwise go-mail refuses to send a password in
		// the clear.
		auth := gomail.SMTPAuthAutoDiscover
		if u.Query().Get("starttls") == "none" {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	return u.Hostname(), opts, nil
}

// New returns a sender over the relay the configuration names.
func New(cfg Config) (*Sender, error) {
	host, opts, err := ParseURL(cfg.URL, cfg.Timeout)
	if err != nil {
		return nil, err
	}
	return &Sender{host: host, opts: opts}, nil
}

// Module provides the sender to the email senders (group "email") when the server has a relay.
var Module = fx.Module("email-smtp",
	fx.Provide(fx.Annotate(func(cfg Config) ([]ports.Email, error) {
		if cfg.URL == "" {
			return nil, nil
		}
		s, err := New(cfg)
		if err != nil {
			return nil, err
		}
		return []ports.Email{s}, nil
	}, fx.ResultTags(`group:"email,flatten"`))),
)

// Name implements ports.Email.
func (*Sender) Name() string { return Name }

// Send implements ports.Email.
func (s *Sender) Send(ctx context.Context, tenantID string, m ports.EmailMessage) error {
	if err := m.Check(); err != nil {
		return err
	}
	msg, err := build(tenantID, m)
	if err != nil {
		return err
	}
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return &ports.SendError{Err: fmt.Errorf("smtp: %w", err)}
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return translate(err)
	}
	return nil
}

// build turns a message of the port into go-mail's.
func build(tenantID string, m ports.EmailMessage) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(m.From); err != nil {
		return nil, ports.Invalid("from", "must be an email address")
	}
	if err := msg.To(m.To...); err != nil {
		return nil, ports.Invalid("to", "must be email addresses")
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, ports.Invalid("reply_to", "must be an email address")
		}
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageIDWithValue(MessageID(tenantID, m))
	msg.SetGenHeader(gomail.Header(ports.ReferenceHeader), m.ID)
	names := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		msg.SetGenHeader(gomail.Header(k), m.Headers[k])
	}
	switch {
	case m.Text != "" && m.HTML != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	case m.Text != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	default:
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// MessageID is the Message-ID a message is sent with, without its angle brackets: its ID and
// tenant at the sender's domain, so a retry of the same message carries the same Message-ID and
// two tenants' messages of the same ID do not share one.
func MessageID(tenantID string, m ports.EmailMessage) string {
	domain := "stvos.invalid"
	if a, err := mail.ParseAddress(m.From); err == nil {
		if i := strings.LastIndexByte(a.Address, '@'); i >= 0 && i < len(a.Address)-1 {
			domain = a.Address[i+1:]
		}
	}
	return m.ID + "." + tenantID + "@" + domain
}

// translate maps go-mail's errors onto the port's kinds: a 5xx reply is a refusal for good;
// anything else (no connection, a 4xx reply, a timeout, the context ending) may pass.
func translate(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		return &ports.SendError{Permanent: code >= 500 && code < 600, Code: code, Err: fmt.Errorf("smtp: %w", err)}
	}
	return &ports.SendError{Err: fmt.Errorf("smtp: %w", err)}
}
