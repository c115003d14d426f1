package contract

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// Delivered is a message as the adapter's far end shows it: the mail server's mailbox (SMTP),
// the table (outbox).
type Delivered struct {
	From    string
	ReplyTo string
	To      []string
	Subject string
	Text    string
	HTML    string
	// Header answers one header's value ("" when absent).
	Header func(name string) string
}

// EmailEnv is what the email suite needs of a sender.
type EmailEnv struct {
	// New returns the sender.
	New func(t *testing.T) ports.Email
	// NewTenant returns a tenant the sender may act for.
	NewTenant func(t *testing.T) string
	// Delivered waits for the message of that tenant and ID and reads it.
	Delivered func(t *testing.T, tenantID, id string) Delivered
}

// Email checks ports.Email: a message with both bodies, a reply-to address, several recipients
// and headers arrives whole (subject and bodies in any language, HTML as written); the same ID
// sent again is not an error; a message breaking the port's rules is refused with ErrInvalid
// before anything is sent, alike in every adapter.
func Email(t *testing.T, env EmailEnv) {
	ctx := context.Background()
	t.Run("name", func(t *testing.T) {
		require.Contains(t, []string{"outbox", "smtp"}, env.New(t).Name())
	})
	t.Run("a message arrives whole", func(t *testing.T) {
		s, tenant := env.New(t), env.NewTenant(t)
		m := ports.EmailMessage{
			ID:      "payment_failed-" + ports.NewID(),
			From:    "Acme TV <no-reply@acme.stvos.test>",
			ReplyTo: "help@acme.stvos.test",
			To:      []string{"ana@members.stvos.test", "bo@members.stvos.test"},
			Subject: "Zahlung fehlgeschlagen – Acme TV",
			Text:    "Hallo Ana,\nIhre Zahlung über 9,99 € ist fehlgeschlagen.\n",
			HTML:    `<p>Hallo Ana,</p><p>Ihre Zahlung über <b>9,99 €</b> ist fehlgeschlagen.</p>`,
			Headers: map[string]string{"X-Stvos-Event": "payment_failed", "List-Unsubscribe": "<https://acme.stvos.test/u/1>"},
		}
		require.NoError(t, s.Send(ctx, tenant, m))
		got := env.Delivered(t, tenant, m.ID)
		require.Contains(t, got.From, "no-reply@acme.stvos.test")
		require.Contains(t, got.ReplyTo, "help@acme.stvos.test")
		require.ElementsMatch(t, m.To, got.To)
		require.Equal(t, m.Subject, got.Subject)
		require.Equal(t, strings.TrimSpace(m.Text), strings.TrimSpace(strings.ReplaceAll(got.Text, "\r\n", "\n")))
		require.Contains(t, got.HTML, "<b>9,99 €</b>")
		require.Equal(t, "payment_failed", got.Header("X-Stvos-Event"))
		require.Equal(t, "<https://acme.stvos.test/u/1>", got.Header("List-Unsubscribe"))
		require.Equal(t, m.ID, got.Header(ports.ReferenceHeader))

		require.NoError(t, s.Send(ctx, tenant, m), "the same message again (a retried job) is not an error")
	})
	t.Run("a text-only message", func(t *testing.T) {
		s, tenant := env.New(t), env.NewTenant(t)
		m := ports.EmailMessage{ID: "welcome-" + ports.NewID(), From: "no-reply@acme.stvos.test",
			To: []string{"cy@members.stvos.test"}, Subject: "Welcome", Text: "Welcome aboard."}
		require.NoError(t, s.Send(ctx, tenant, m))
		got := env.Delivered(t, tenant, m.ID)
		require.Equal(t, "Welcome", got.Subject)
		require.Equal(t, "Welcome aboard.", strings.TrimSpace(got.Text))
	})
	t.Run("input breaking the rules is refused alike", func(t *testing.T) {
		s, tenant := env.New(t), env.NewTenant(t)
		good := ports.EmailMessage{ID: "x-" + ports.NewID(), From: "no-reply@acme.stvos.test",
			To: []string{"dee@members.stvos.test"}, Subject: "Hi", Text: "Hi"}
		for name, change := range map[string]func(*ports.EmailMessage){
			"no id":               func(m *ports.EmailMessage) { m.ID = "" },
			"id with a space":     func(m *ports.EmailMessage) { m.ID = "a b" },
			"bad from":            func(m *ports.EmailMessage) { m.From = "nobody" },
			"no recipient":        func(m *ports.EmailMessage) { m.To = nil },
			"bad recipient":       func(m *ports.EmailMessage) { m.To = []string{"x@y.test", "not an address"} },
			"header injection":    func(m *ports.EmailMessage) { m.Subject = "Hi\r\nBcc: victim@x.test" },
			"no body":             func(m *ports.EmailMessage) { m.Text, m.HTML = "", "" },
			"reserved header":     func(m *ports.EmailMessage) { m.Headers = map[string]string{"Bcc": "victim@x.test"} },
			"header value breaks": func(m *ports.EmailMessage) { m.Headers = map[string]string{"X-A": "a\nBcc: v@x.test"} },
			"bad reply-to":        func(m *ports.EmailMessage) { m.ReplyTo = "help" },
		} {
			m := good
			change(&m)
			err := s.Send(ctx, tenant, m)
			require.ErrorIs(t, err, ports.ErrInvalid, name)
			require.False(t, errors.Is(err, ports.ErrEmailTemporary), "%s: a retry cannot mend it", name)
		}
	})
}
