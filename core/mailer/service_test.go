package mailer_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/mailer"
	"github.com/stvos/stvos/ports"
)

type jobs struct{ got []ports.Job }

func (j *jobs) Enqueue(_ context.Context, job ports.Job) error {
	j.got = append(j.got, job)
	return nil
}

func TestEnqueueChecksTheMessage(t *testing.T) {
	t.Parallel()
	j := &jobs{}
	q := mailer.NewQueue(renderer(t), j)
	good := mailer.Message{TenantID: ports.NewID(), ID: ports.NewID(), Event: mailer.EventWelcome, To: "ana@x.test"}
	require.NoError(t, q.Enqueue(context.Background(), good))
	require.Len(t, j.got, 1)
	require.Equal(t, mailer.SendKind, j.got[0].Kind())
	for name, change := range map[string]func(*mailer.Message){
		"unknown event":    func(m *mailer.Message) { m.Event = "nope" },
		"no tenant":        func(m *mailer.Message) { m.TenantID = "" },
		"bad id":           func(m *mailer.Message) { m.ID = "a b" },
		"display name":     func(m *mailer.Message) { m.To = "Ana <ana@x.test>" },
		"not an address":   func(m *mailer.Message) { m.To = "ana" },
		"header injection": func(m *mailer.Message) { m.To = "ana@x.test\r\nBcc: v@x.test" },
	} {
		m := good
		change(&m)
		require.ErrorIs(t, q.Enqueue(context.Background(), m), ports.ErrInvalid, name)
	}
	require.Len(t, j.got, 1, "nothing invalid was enqueued")
}

type sender struct{ got []ports.EmailMessage }

func (*sender) Name() string { return "outbox" }
func (s *sender) Send(_ context.Context, _ string, m ports.EmailMessage) error {
	s.got = append(s.got, m)
	return m.Check()
}

type registry struct{ s *sender }

func (r registry) For(context.Context, string) (ports.Email, error) { return r.s, nil }
func (registry) Brand(context.Context, string) (mailer.Brand, error) {
	return mailer.Brand{Name: "Acme TV", PrimaryColor: "#000000"}, nil
}

func TestDeliverSendsUnderTheClientsName(t *testing.T) {
	t.Parallel()
	s := &sender{}
	d := mailer.NewDelivery(mailer.Deps{Renderer: renderer(t), Senders: registry{s}, Brands: registry{s}, From: "no-reply@stvos.test"})
	id := ports.NewID()
	require.NoError(t, d.Deliver(context.Background(), mailer.Message{TenantID: ports.NewID(), ID: id, Event: mailer.EventWelcome,
		To: "ana@x.test", Name: "Ana", Language: "de"}))
	require.Len(t, s.got, 1)
	m := s.got[0]
	require.Equal(t, `"Acme TV" <no-reply@stvos.test>`, m.From)
	require.Equal(t, "welcome-"+id, m.ID, "the same message id on every retry")
	require.Equal(t, "Willkommen bei Acme TV", m.Subject)
	require.Equal(t, map[string]string{"X-Stvos-Event": "welcome", "Content-Language": "de"}, m.Headers)
}
