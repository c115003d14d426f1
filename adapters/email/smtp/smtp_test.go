package smtp_test

import (
	"context"
	"net"
	"net/textproto"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/email/smtp"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/contract"
	"github.com/stvos/stvos/test/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

// relay is the URL of the harness's mailpit, with credentials (it accepts any) over a plain
// loopback connection.
func relay(mp harness.Mailpit) string {
	return "smtp://stvos:secret@" + mp.SMTP + "?starttls=none"
}

// TestSMTPContract runs the email suite against a real SMTP server (mailpit), reading what
// arrived through its HTTP API.
func TestSMTPContract(t *testing.T) {
	t.Parallel()
	mp := harness.StartMailpit(t)
	contract.Email(t, contract.EmailEnv{
		New: func(t *testing.T) ports.Email {
			s, err := smtp.New(smtp.Config{URL: relay(mp)})
			require.NoError(t, err)
			return s
		},
		NewTenant: func(*testing.T) string { return ports.NewID() },
		Delivered: func(t *testing.T, tenantID, id string) contract.Delivered {
			got := mp.Find(t, id+"."+tenantID+"@")
			reply := ""
			if len(got.ReplyTo) > 0 {
				reply = got.ReplyTo[0]
			}
			return contract.Delivered{From: got.From, ReplyTo: reply, To: got.To, Subject: got.Subject,
				Text: got.Text, HTML: got.HTML, Header: func(name string) string {
					if v := got.Headers[textproto.CanonicalMIMEHeaderKey(name)]; len(v) > 0 {
						return v[0]
					}
					return ""
				}}
		},
	})
}

func message() ports.EmailMessage {
	return ports.EmailMessage{ID: "t-" + ports.NewID(), From: "no-reply@acme.stvos.test",
		To: []string{"someone@members.stvos.test"}, Subject: "Hi", Text: "Hi"}
}

// TestSMTPErrorKinds proves the translation of the relay's answers: a recipient the server
// refuses (5xx) is a permanent refusal, a server that does not answer a temporary failure.
func TestSMTPErrorKinds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mp := harness.StartMailpit(t)
	s, err := smtp.New(smtp.Config{URL: relay(mp)})
	require.NoError(t, err)

	m := message()
	m.To = []string{"someone@refused.invalid"} // outside harness.MailpitAllowedRecipients
	err = s.Send(ctx, ports.NewID(), m)
	require.ErrorIs(t, err, ports.ErrEmailRejected)
	require.NotErrorIs(t, err, ports.ErrEmailTemporary)
	var se *ports.SendError
	require.ErrorAs(t, err, &se)
	require.GreaterOrEqual(t, se.Code, 500)
	require.NotContains(t, err.Error(), "secret", "the password never reaches an error")

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close()) // nothing listens there now
	down, err := smtp.New(smtp.Config{URL: "smtp://stvos:secret@127.0.0.1:" + strconv.Itoa(port) + "?starttls=none", Timeout: 2 * time.Second})
	require.NoError(t, err)
	err = down.Send(ctx, ports.NewID(), message())
	require.ErrorIs(t, err, ports.ErrEmailTemporary)
	require.NotContains(t, err.Error(), "secret")
}

// TestParseURL checks the setting's forms.
func TestParseURL(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"smtp://mail.example.com", "smtp://u:p@mail.example.com:2525?starttls=opportunistic",
		"smtp://127.0.0.1:1025?starttls=none", "smtps://u:p@mail.example.com"} {
		_, err := smtp.New(smtp.Config{URL: ok})
		require.NoError(t, err, ok)
	}
	for _, bad := range []string{"http://mail.example.com", "smtp://", "smtp://h:99999", "smtp://h?starttls=maybe", "::"} {
		_, err := smtp.New(smtp.Config{URL: bad})
		require.Error(t, err, bad)
	}
	_, err := smtp.New(smtp.Config{URL: "smtp://user:hunter2@h:bad"})
	require.Error(t, err)
	require.NotContains(t, err.Error(), "hunter2")
}
