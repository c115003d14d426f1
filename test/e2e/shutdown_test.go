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

// TestGracefulShutdown stops the server while a request is in flight: the request completes,
// and the server then accepts no new connection.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	slow := fx.Invoke(func(mux *http.ServeMux) {
		mux.HandleFunc("GET /test/slow", func(w http.ResponseWriter, _ *http.Request) {
			close(started)
			time.Sleep(300 * time.Millisecond)
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
	require.NoError(t, srv.Stop())
	got := <-res
	require.NoError(t, got.err)
	require.Equal(t, http.StatusOK, got.status)
	require.Equal(t, "done", got.body)
	_, err := http.Get(srv.URL + "/healthz")
	require.Error(t, err, "no new connections after shutdown")
}
