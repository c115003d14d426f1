package sandbox

import (
	"html"
	"io"
	"net/http"
)

func ioCopy(w io.Writer, res *http.Response) (int64, error) {
	defer res.Body.Close()
	return io.Copy(w, res.Body)
}

func htmlUnescape(s string) string { return html.UnescapeString(s) }
