// Package webhook posts webhook deliveries over the SSRF-safe client (adapters/safeurl): the
// receiver's address is checked when it is dialed, redirects are not followed (a receiver must
// answer itself), and the answer's body is read only to reuse the connection.
package webhook

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"github.com/stvos/stvos/adapters/safeurl"
	corewebhook "github.com/stvos/stvos/core/webhook"
)

// Timeout bounds one delivery attempt.
const Timeout = 15 * time.Second

// Sender implements core/webhook.Sender.
type Sender struct{ client *http.Client }

var _ corewebhook.Sender = (*Sender)(nil)

// New returns a sender dialing only what the guard accepts.
func New(g *safeurl.Guard) *Sender {
	c := g.Client(Timeout)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Sender{client: c}
}

// Post implements core/webhook.Sender.
func (s *Sender) Post(ctx context.Context, url string, body []byte, header map[string]string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	return res.StatusCode, nil
}
