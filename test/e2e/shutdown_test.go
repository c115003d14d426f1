package e2e

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/fx"

	"github.com/stvos/stvos/test/harness"
)

// TestGracefulShutdown stops the server while a request is in flight: the server first stops
// accepting connections, the request (held until then, whatever the timing) completes, and only
// then does the stop return. No sleep decides the order.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	slow := fx.Invoke(func(mux *http.ServeMux) {
		mux.HandleFunc("GET /test/slow", func(w http.ResponseWriter, _ *http.Request) {
			close(started)
			<-release
			_, _ = w.Write([]byte("done"))
		})
	})
	srv := harness.StartServerWith(t, harness.NewBackends(t), slow)

	type result struct {
		status int
		body   string
		err    error
	}
	res := make(chan result, 1)
	go func() {
		r, err := http.Get(srv.URL + "/test/slow")
		if err != nil {
			res <- result{err: err}
			return
		}
		defer r.Body.Close()
		b, err := io.ReadAll(r.Body)
		res <- result{status: r.StatusCode, body: string(b), err: err}
	}()
	<-started
	stopped := make(chan error, 1)
	go func() { stopped <- srv.Stop() }()
	// Shutdown has begun once new connections are refused; the request is still held.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	require.Eventually(t, func() bool {
		r, err := client.Get(srv.URL + "/healthz")
		if err == nil {
			r.Body.Close()
		}
		return err != nil
	}, 10*time.Second, 5*time.Millisecond)
	select {
	case err := <-stopped:
		t.Fatalf("the stop returned (%v) while a request was in flight", err)
	default:
	}
	close(release)
	require.NoError(t, <-stopped)
	got := <-res
	require.NoError(t, got.err)
	require.Equal(t, http.StatusOK, got.status)
	require.Equal(t, "done", got.body)
	_, err := client.Get(srv.URL + "/healthz")
	require.Error(t, err, "no new connections after shutdown")
}
