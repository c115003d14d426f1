// Package web serves the browser front ends of stvos from files embedded in the binary: the
// partner portal at /portal, the client's admin console at /console, and (later) the operator
// console at /operator. Each front end is one HTML shell and plain ES modules that call the same
// JSON API as every other client, with the same bearer tokens, so every action passes the same
// authentication, tenant and role checks; nothing here reads or writes data itself.
//
// Every response carries a strict Content-Security-Policy (scripts and styles only from this
// server, no inline code, no framing), X-Frame-Options: DENY, nosniff and no Referer, so a page
// cannot be framed (clickjacking) and an injected string cannot run as script.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"go.uber.org/fx"
)

//go:embed static
var static embed.FS

// AssetsPath is where the embedded files are served: /web/common (shared CSS and modules),
// /web/vendor (third-party code, vendored from npm) and one folder per front end.
const AssetsPath = "/web/"

// Policy is the Content-Security-Policy of every page and asset. Images may come from https
// URLs because logos and product images are the tenant's own URLs; everything else only from
// this server. No 'unsafe-inline' anywhere: pages set styles through classes and the CSSOM.
const Policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// App is one front end: its URL path and the module that starts it.
type App struct {
	// Path is where the shell is served, such as /portal.
	Path string
	// Title is the page title until the app sets its own.
	Title string
	// Entry is the app's start module, relative to AssetsPath, such as portal/portal.js.
	Entry string
}

// Apps are the front ends this binary serves.
var Apps = []App{
	{Path: "/portal", Title: "Partner portal", Entry: "portal/portal.js"},
	{Path: "/console", Title: "Admin console", Entry: "console/console.js"},
	{Path: "/operator", Title: "Operator console", Entry: "operator/operator.js"},
}

var shell = template.Must(template.New("shell").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{.Title}}</title>
<link rel="stylesheet" href="` + AssetsPath + `common/base.css">
<script type="module" src="` + AssetsPath + `{{.Entry}}"></script>
</head><body>
<noscript><p class="noscript">This portal needs JavaScript.</p></noscript>
<div id="app" aria-live="polite"><p class="loading">Loading…</p></div>
</body></html>`))

type asset struct {
	body        []byte
	etag        string
	contentType string
}

// Handler serves the shells and assets.
type Handler struct {
	assets map[string]asset
	shells map[string][]byte
}

// New registers the front ends and their assets on the mux.
func New(mux *http.ServeMux) (*Handler, error) {
	h := &Handler{assets: map[string]asset{}, shells: map[string][]byte{}}
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := static.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		h.assets[strings.TrimPrefix(p, "static/")] = asset{body: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, contentType: contentType(p)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	mux.HandleFunc("GET "+AssetsPath+"{file...}", h.serveAsset)
	for _, a := range Apps {
		var b strings.Builder
		if err := shell.Execute(&b, a); err != nil {
			return nil, err
		}
		h.shells[a.Path] = []byte(b.String())
		mux.HandleFunc("GET "+a.Path, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, a.Path+"/", http.StatusMovedPermanently)
		})
		// The front ends route by the URL's fragment (#/vouchers), so one shell serves them all.
		mux.HandleFunc("GET "+a.Path+"/{$}", h.serveShell(a.Path))
	}
	return h, nil
}

// Secure sets the headers every page and asset carries.
func Secure(hd http.Header) {
	hd.Set("Content-Security-Policy", Policy)
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	hd.Set("Cross-Origin-Resource-Policy", "same-origin")
	hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
}

func (h *Handler) serveShell(p string) http.HandlerFunc {
	body := h.shells[p]
	return func(w http.ResponseWriter, _ *http.Request) {
		Secure(w.Header())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(body)
	}
}

// serveAsset answers an embedded file. Assets are revalidated on each use (no-cache with an
// ETag of their content), so a new binary's files are picked up at once without renamed URLs.
func (h *Handler) serveAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := h.assets[r.PathValue("file")]
	if !ok {
		Secure(w.Header())
		http.NotFound(w, r)
		return
	}
	Secure(w.Header())
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", a.etag)
	http.ServeContent(w, r, "", time.Time{}, strings.NewReader(string(a.body)))
}

func contentType(p string) string {
	switch path.Ext(p) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".md", ".txt":
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

// Module registers the front ends on the server's mux.
var Module = fx.Module("web", fx.Invoke(func(mux *http.ServeMux) error {
	_, err := New(mux)
	return err
}))
