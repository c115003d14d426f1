package surface

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// Download streams a file produced by write as the answer of an operation. Until write has
// sent its first bytes an error is still answered in the surface's error format with its
// status; after that the response is already under way, so the error is logged and the
// connection cut short (a client sees a truncated download, never a complete-looking wrong one).
func (s *Surface) Download(filename, contentType string, write func(ctx context.Context, w io.Writer) error) *huma.StreamResponse {
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		ctx := hc.Context()
		w := &startWriter{hc: hc, contentType: contentType, filename: filename}
		err := write(ctx, w)
		if err == nil {
			return
		}
		if !w.started {
			e := s.newError(ctx, http.StatusInternalServerError, "", err)
			hc.SetHeader("Content-Type", "application/json")
			hc.SetStatus(e.GetStatus())
			_ = json.NewEncoder(hc.BodyWriter()).Encode(e)
			return
		}
		logger(s).ErrorContext(ctx, "download failed after it started", "error", err.Error(), "request_id", infoFrom(ctx).RequestID)
		panic(http.ErrAbortHandler) // ends the response without a clean end, so the client knows
	}}
}

// startWriter sets the file's headers and status when the first bytes go out.
type startWriter struct {
	hc                    huma.Context
	contentType, filename string
	started               bool
}

func (w *startWriter) Write(p []byte) (int, error) {
	if !w.started {
		w.started = true
		w.hc.SetHeader("Content-Type", w.contentType)
		w.hc.SetHeader("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": w.filename}))
		w.hc.SetHeader("Cache-Control", "no-store")
		w.hc.SetStatus(http.StatusOK)
	}
	return w.hc.BodyWriter().Write(p)
}

// FileResponse documents an operation that answers a file of the media type.
func FileResponse(contentType, description string) map[string]*huma.Response {
	return map[string]*huma.Response{"200": {
		Description: description,
		Headers: map[string]*huma.Param{"Content-Disposition": {Description: "attachment; filename=...",
			Schema: &huma.Schema{Type: "string"}}},
		Content: map[string]*huma.MediaType{contentType: {Schema: &huma.Schema{Type: "string"}}},
	}}
}
