package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stvos/stvos/app/devstack"
)

// MailpitVersion is the mailpit the harness is known to work with.
const MailpitVersion = "v1.33.1"

// MailpitAllowedRecipients is the pattern of the recipients the harness's mailpit accepts; any
// other recipient is refused with a permanent (5xx) reply, so tests can provoke a refusal by
// writing to an address outside it (such as someone@refused.invalid).
const MailpitAllowedRecipients = `stvos\.test`

// Mailpit is a running mailpit: an SMTP server that keeps what it receives and shows it over an
// HTTP API.
type Mailpit struct {
	// SMTP is the SMTP listener's host:port; it accepts any user and password, over plain
	// connections too.
	SMTP string
	// API is the HTTP API's base URL.
	API string
}

var (
	mailpitOnce  sync.Once
	mailpit      Mailpit
	mailpitErr   error
	mailpitStack *devstack.Stack
)

// StartMailpit returns a mailpit (https://mailpit.axllent.org): STVOS_TEST_MAILPIT_URL (its HTTP
// API) and STVOS_TEST_MAILPIT_SMTP (its SMTP host:port) when set, else the mailpit binary (on
// PATH, in $GOBIN or in $(go env GOPATH)/bin) started once per test process on free loopback
// ports and stopped by Main. Without one the test fails and says what to install: it never skips.
func StartMailpit(t testing.TB) Mailpit {
	t.Helper()
	mailpitOnce.Do(func() { mailpit, mailpitErr = startMailpit() })
	if mailpitErr != nil {
		t.Fatalf("harness: mailpit is needed for the SMTP email adapter: %v\n"+
			"  install it with: go install github.com/axllent/mailpit@%s\n"+
			"  or set STVOS_TEST_MAILPIT_URL (its HTTP API) and STVOS_TEST_MAILPIT_SMTP (its SMTP host:port) to a running mailpit\n"+
			"  started with --smtp-auth-accept-any --smtp-auth-allow-insecure --smtp-allowed-recipients '%s'",
			mailpitErr, MailpitVersion, MailpitAllowedRecipients)
	}
	return mailpit
}

func startMailpit() (Mailpit, error) {
	if u := os.Getenv("STVOS_TEST_MAILPIT_URL"); u != "" {
		s := os.Getenv("STVOS_TEST_MAILPIT_SMTP")
		if s == "" {
			return Mailpit{}, errors.New("STVOS_TEST_MAILPIT_URL is set but STVOS_TEST_MAILPIT_SMTP is not")
		}
		m := Mailpit{SMTP: s, API: strings.TrimRight(u, "/")}
		return m, waitMailpit(m.API)
	}
	bin, err := findProgram("mailpit")
	if err != nil {
		return Mailpit{}, err
	}
	dir, err := os.MkdirTemp("", "stvos-mailpit-")
	if err != nil {
		return Mailpit{}, err
	}
	st := &devstack.Stack{How: "local", Dir: dir}
	st.OnStop(func() error { return os.RemoveAll(dir) })
	smtpPort, err := devstack.FreePort()
	if err != nil {
		return Mailpit{}, err
	}
	httpPort, err := devstack.FreePort()
	if err != nil {
		return Mailpit{}, err
	}
	m := Mailpit{
		SMTP: net.JoinHostPort("127.0.0.1", strconv.Itoa(smtpPort)),
		API:  "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(httpPort)),
	}
	if err := st.Spawn(nil, bin, "--smtp", m.SMTP, "--listen", strings.TrimPrefix(m.API, "http://"),
		"--database", filepath.Join(dir, "mailpit.db"), "--disable-version-check",
		"--smtp-auth-accept-any", "--smtp-auth-allow-insecure", "--smtp-disable-rdns",
		"--smtp-allowed-recipients", MailpitAllowedRecipients); err != nil {
		_ = st.Stop()
		return Mailpit{}, err
	}
	mailpitStack = st
	return m, waitMailpit(m.API)
}

// findProgram looks on PATH, then where go install puts programs (mailpit, stripe-mock).
func findProgram(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	var dirs []string
	if d := os.Getenv("GOBIN"); d != "" {
		dirs = append(dirs, d)
	}
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) == 2 {
			if lines[0] != "" {
				dirs = append(dirs, lines[0])
			}
			for _, p := range filepath.SplitList(lines[1]) {
				dirs = append(dirs, filepath.Join(p, "bin"))
			}
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("no %s on PATH, in $GOBIN or in $(go env GOPATH)/bin", name)
}

// waitMailpit polls until mailpit's API answers.
func waitMailpit(base string) error {
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/messages?limit=1", nil)
	return waitHTTP("mailpit", req)
}

// waitHTTP sends req until it is answered 200 OK, for at most 30 seconds: a program the
// harness started is ready.
func waitHTTP(name string, req *http.Request) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req = req.WithContext(ctx)
	for {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", res.StatusCode)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s at %s did not answer: %w", name, req.URL.Host, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// MailpitMessage is a message as mailpit received it.
type MailpitMessage struct {
	ID        string
	MessageID string
	From      string
	To        []string
	ReplyTo   []string
	Subject   string
	Text      string
	HTML      string
	// Headers are the raw headers by canonical name.
	Headers map[string][]string
}

type mailpitAddress struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

// Find waits (up to 10 s) for the message whose Message-ID (without angle brackets) begins with
// prefix and reads it whole: both bodies and every header.
func (m Mailpit) Find(t testing.TB, prefix string) MailpitMessage {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var list struct {
			Messages []struct {
				ID        string `json:"ID"`
				MessageID string `json:"MessageID"`
			} `json:"messages"`
		}
		m.get(t, "/api/v1/messages?limit=500", &list)
		for _, it := range list.Messages {
			if strings.HasPrefix(it.MessageID, prefix) {
				return m.read(t, it.ID)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit: no message with a Message-ID beginning %q arrived", prefix)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// read reads one message and its headers.
func (m Mailpit) read(t testing.TB, id string) MailpitMessage {
	t.Helper()
	var msg struct {
		ID        string           `json:"ID"`
		MessageID string           `json:"MessageID"`
		From      mailpitAddress   `json:"From"`
		To        []mailpitAddress `json:"To"`
		ReplyTo   []mailpitAddress `json:"ReplyTo"`
		Subject   string           `json:"Subject"`
		Text      string           `json:"Text"`
		HTML      string           `json:"HTML"`
	}
	m.get(t, "/api/v1/message/"+url.PathEscape(id), &msg)
	out := MailpitMessage{ID: msg.ID, MessageID: msg.MessageID, From: msg.From.Address, Subject: msg.Subject,
		Text: msg.Text, HTML: msg.HTML}
	for _, a := range msg.To {
		out.To = append(out.To, a.Address)
	}
	for _, a := range msg.ReplyTo {
		out.ReplyTo = append(out.ReplyTo, a.Address)
	}
	m.get(t, "/api/v1/message/"+url.PathEscape(id)+"/headers", &out.Headers)
	return out
}

func (m Mailpit) get(t testing.TB, path string, into any) {
	t.Helper()
	res, err := http.Get(m.API + path)
	if err != nil {
		t.Fatalf("mailpit: GET %s: %v", path, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("mailpit: GET %s: status %d", path, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(into); err != nil {
		t.Fatalf("mailpit: GET %s: %v", path, err)
	}
}
