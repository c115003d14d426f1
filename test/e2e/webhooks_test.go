package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/fx"

	"github.com/stvos/stvos/core/webhook"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/harness"
)

// receiver is a partner's webhook endpoint: it verifies each delivery's signature, fails the first
// one with 500 and accepts the rest.
type receiver struct {
	mu       sync.Mutex
	secret   string
	attempts []string // event ids, one per attempt
	bad      []string // why a delivery's signature was refused
	got      chan []byte
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if err := webhook.Verify(rc.secret, r.Header.Get(webhook.SignatureHeader), body, 0, time.Now()); err != nil {
		rc.bad = append(rc.bad, err.Error())
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc.attempts = append(rc.attempts, r.Header.Get("Stvos-Event-Id"))
	if len(rc.attempts) == 1 {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
	rc.got <- body
}

// TestWebhookSignedAndRetried: a delivery is signed (Stvos-Signature: t=…,v1=HMAC-SHA256 of
// "t.body"), a receiver answering 500 gets it again after a backoff, and then it is delivered.
func TestWebhookSignedAndRetried(t *testing.T) {
	t.Parallel()
	var (
		hooks *webhook.Service
		uow   ports.UnitOfWork
	)
	srv := harness.StartServerWith(t, harness.NewBackends(t), fx.Populate(&hooks, &uow), map[string]string{"STVOS_DEVELOPMENT": "true"})
	op := operator(t, srv)
	tenantID, _ := onboard(t, op, "hooks", nil)
	partnerID := op.call("POST", "/platform/tenants/"+tenantID+"/partners", map[string]string{"name": "Gym One"}).str("id")
	require.NotEmpty(t, partnerID)
	ctx := context.Background()

	// Refused endpoint URLs name the field and the reason.
	for _, bad := range []string{"http://169.254.169.254/latest/meta-data/", "https://10.0.0.5/hook", "javascript:alert(1)",
		"https://metadata.google.internal/", "http://[fd00:ec2::254]/", "https://user:pw@example.com/"} {
		_, _, err := hooks.CreateEndpoint(ctx, tenantID, partnerID, bad)
		require.ErrorIs(t, err, ports.ErrInvalid, bad)
		require.Equal(t, "url", ports.AsError(err).Fields[0].Field)
	}

	rc := &receiver{got: make(chan []byte, 1)}
	recv := httptest.NewServer(rc) // loopback: allowed in development mode only
	defer recv.Close()
	ep, secret, err := hooks.CreateEndpoint(ctx, tenantID, partnerID, recv.URL+"/hooks")
	require.NoError(t, err)
	require.Regexp(t, `^whsec_`, secret)
	require.NotContains(t, ep.SealedSecret, secret, "kept sealed")
	rc.mu.Lock()
	rc.secret = secret
	rc.mu.Unlock()

	start := time.Now()
	require.NoError(t, uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		return hooks.Publish(ctx, partnerID, webhook.EventLocationsBound, map[string]string{"org_id": "o-1"})
	}))
	select {
	case body := <-rc.got:
		require.Contains(t, string(body), `"type":"locations.bound"`)
		require.Contains(t, string(body), `"org_id":"o-1"`)
	case <-time.After(30 * time.Second):
		t.Fatal("the webhook was not delivered")
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	require.Empty(t, rc.bad, "every delivery verifies")
	require.Len(t, rc.attempts, 2, "the first answered 500, the second delivered")
	require.Equal(t, rc.attempts[0], rc.attempts[1], "the same event, retried")
	require.GreaterOrEqual(t, time.Since(start), time.Second, "after a backoff")

	// An event rolled back with its change is never delivered.
	_ = uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		require.NoError(t, hooks.Publish(ctx, partnerID, webhook.EventLocationsBound, map[string]string{"org_id": "o-2"}))
		return ports.Conflict("ROLLBACK", "roll back")
	})
}
