package surface

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/ports"
)

// The request and response of an idempotent operation as the mechanism of idempotency.go sees
// them: the body read once (for the fingerprint) and handed on, the answer held until it has
// committed, then sent or replayed.

// readWhole reads the request body within the operation's bound, as huma would; whole is false
// when it is larger or could not be read, and rest then holds what was not read.
func readWhole(ctx huma.Context) (body []byte, rest io.Reader, whole bool) {
	op := ctx.Operation()
	if op.BodyReadTimeout > 0 {
		_ = ctx.SetReadDeadline(time.Now().Add(op.BodyReadTimeout))
	}
	rest = ctx.BodyReader()
	if rest == nil {
		return nil, nil, true
	}
	var buf bytes.Buffer
	r := rest
	if op.MaxBodyBytes > 0 {
		r = io.LimitReader(rest, op.MaxBodyBytes)
	}
	n, err := io.Copy(&buf, r)
	return buf.Bytes(), rest, err == nil && (op.MaxBodyBytes <= 0 || n < op.MaxBodyBytes)
}

// send writes an answer: the stored headers, the replay mark, the status and the body.
func send(ctx huma.Context, a ports.IdempotentAnswer, replayed bool) {
	for name, values := range a.Header {
		for i, v := range values {
			if i == 0 {
				ctx.SetHeader(name, v)
			} else {
				ctx.AppendHeader(name, v)
			}
		}
	}
	if replayed {
		ctx.SetHeader(ReplayedHeader, "true")
	}
	ctx.SetStatus(a.Status)
	if len(a.Body) > 0 {
		_, _ = ctx.BodyWriter().Write(a.Body)
	}
}

// inner is the request's huma.Context, embedded under a name of its own so that the wrappers
// may define Context.
type inner huma.Context

// bodyContext gives the handler a request body already read.
type bodyContext struct {
	inner
	body io.Reader
}

func (c *bodyContext) BodyReader() io.Reader { return c.body }

// heldContext is what an idempotent operation runs with: its context is the call's transaction,
// its body the one read for the fingerprint, and its answer is held until it has committed.
type heldContext struct {
	bodyContext
	ctx    context.Context
	ran    bool
	status int
	header http.Header
	out    bytes.Buffer
}

// Context is what huma hands the handler, and asks for only then (input parsed and valid): the
// first call marks the handler as run. The error model reads requestContext instead.
func (c *heldContext) Context() context.Context {
	c.ran = true
	return c.ctx
}

func (c *heldContext) requestContext() context.Context { return c.ctx }
func (c *heldContext) SetStatus(code int)              { c.status = code }
func (c *heldContext) Status() int                     { return c.status }
func (c *heldContext) SetHeader(name, value string)    { c.header.Set(name, value) }
func (c *heldContext) AppendHeader(name, value string) { c.header.Add(name, value) }
func (c *heldContext) BodyWriter() io.Writer           { return &c.out }

// notStored are response headers never kept with an answer: credentials and per-connection ones.
var notStored = []string{"Set-Cookie", "Connection", "Transfer-Encoding", "Date", "Keep-Alive"}

// answer is the held answer, as it is stored and sent.
func (c *heldContext) answer() ports.IdempotentAnswer {
	h := c.header.Clone()
	for _, name := range notStored {
		h.Del(name)
	}
	status := c.status
	if status == 0 {
		status = http.StatusOK
	}
	return ports.IdempotentAnswer{Status: status, Header: h, Body: bytes.Clone(c.out.Bytes())}
}

// requestContext is the request's context for code that must not count as the handler (the
// error model).
func requestContext(ctx huma.Context) context.Context {
	if h, ok := ctx.(*heldContext); ok {
		return h.requestContext()
	}
	return ctx.Context()
}
