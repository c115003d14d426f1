package sandbox

import (
	"html/template"
	"net/http"
	"net/url"
)

var page = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connect {{.Source}} (sandbox)</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}
.card{border:1px solid #ddd;border-radius:8px;padding:1.5rem}button{padding:.6rem 1.2rem;margin-right:.5rem;border-radius:6px;border:1px solid #888;cursor:pointer}
button[value=approve]{background:#0a7;color:#fff;border-color:#0a7}small{color:#777}</style></head>
<body><div class="card"><h1>Connect {{.Source}}</h1>
<p>This is the <strong>stvos sandbox</strong> {{if eq .Type "dsp"}}delivery platform{{else}}point of sale{{end}}. Approving
shares your demo {{if eq .Type "dsp"}}stores{{else}}locations and menus{{end}} with the partner that sent you here, then returns you to
<code>{{.Host}}</code>.</p>
<form method="post" action="{{.Action}}">
{{range $k, $v := .Hidden}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}<button type="submit" name="decision" value="approve">Approve</button><button type="submit" name="decision" value="deny">Deny</button>
</form><p><small>No real account is connected; nothing leaves stvos.</small></p></div></body></html>
`))

// Handler serves the authorization page: GET shows the consent form (or, with approve=1, approves
// at once); POST takes the decision. Either way the merchant is sent back to the signed return URL
// with code and state, or with error=access_denied.
func (p *Provider) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' https: http:")
		var q url.Values
		switch r.Method {
		case http.MethodGet:
			q = r.URL.Query()
		case http.MethodPost:
			r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
			if err := r.ParseForm(); err != nil {
				http.Error(w, "bad form", http.StatusBadRequest)
				return
			}
			q = r.PostForm
		default:
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		back, err := url.Parse(q.Get("redirect_uri"))
		if !p.verify(q) || err != nil || back.Host == "" {
			http.Error(w, "This authorization link is invalid: it was not issued by stvos.", http.StatusBadRequest)
			return
		}
		decision := q.Get("decision")
		if r.Method == http.MethodGet && q.Get("approve") == "1" {
			decision = "approve"
		}
		if decision == "" {
			hidden := map[string]string{"sig": q.Get("sig")}
			for _, k := range signedParams {
				hidden[k] = q.Get(k)
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_ = page.Execute(w, map[string]any{"Source": q.Get("source"), "Type": q.Get("type"), "Host": back.Host,
				"Action": PagePath, "Hidden": hidden})
			return
		}
		out := back.Query()
		if decision == "approve" {
			out.Set("code", p.issueCode(q))
		} else {
			out.Set("error", "access_denied")
		}
		out.Set("state", q.Get("state"))
		back.RawQuery = out.Encode()
		http.Redirect(w, r, back.String(), http.StatusSeeOther)
	})
}
