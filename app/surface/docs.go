package surface

import (
	_ "embed"
	"html/template"
	"net/http"
)

// redocBundle is Redoc's standalone bundle (assets/README.md), served from the binary.
//
//go:embed assets/redoc.standalone.js
var redocBundle []byte

// RedocPath is where the bundle is served.
const RedocPath = "/docs/assets/redoc.standalone.js"

// The reference page of a surface: Redoc renders the surface's own OpenAPI document (every
// operation, parameter, schema, example and error response), with the script served by this
// server, so the page works offline and always matches what the server does.
var docsPage = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{margin:0}</style></head><body>
<noscript><p>This reference needs JavaScript. The OpenAPI document itself is at
<a href="/openapi/{{.Name}}.json">/openapi/{{.Name}}.json</a> (or <a href="/openapi/{{.Name}}.yaml">YAML</a>).</p></noscript>
<redoc spec-url="/openapi/{{.Name}}.json" required-props-first="true" sort-props-alphabetically="false"
 path-in-middle-panel="true" hide-hostname="true" expand-responses="200,201" json-sample-expand-level="3"></redoc>
<script src="` + RedocPath + `"></script>
</body></html>`))

// docsPolicy lets the page run the bundle and only the bundle: Redoc styles itself with inline
// styles and searches in a web worker it starts from a blob.
const docsPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; worker-src blob:; frame-ancestors 'none'"

func (s *Surface) serveDocs(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", docsPolicy)
	_ = docsPage.Execute(w, struct{ Title, Name string }{Title: s.API.OpenAPI().Info.Title, Name: s.Name})
}

// ServeAssets serves the reference pages' script, once for every surface.
func ServeAssets(mux *http.ServeMux) {
	mux.HandleFunc("GET "+RedocPath, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(redocBundle)
	})
}
