package oauth

import (
	"html/template"
	"net/http"

	"github.com/stvos/stvos/core/tenant"
)

// The sign-in pages wear the tenant's branding: its name, colours and logo. They load nothing
// from elsewhere but the tenant's own logo.
var pages = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · {{.Brand.Name}}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;background:{{.Brand.Background}};color:#1d2330;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;padding:2rem;border-radius:12px;box-shadow:0 4px 24px #0002;width:min(22rem,90vw)}
h1{font-size:1.3rem;margin:.2rem 0 1rem;color:{{.Brand.Primary}}} img{max-height:48px}
label{display:block;margin:.6rem 0 .2rem;font-size:.9rem} input{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #ccd;border-radius:6px;font-size:1rem}
button{margin-top:1rem;width:100%;padding:.65rem;border:0;border-radius:6px;background:{{.Brand.Primary}};color:#fff;font-size:1rem}
.err{color:#b3261e;margin:.5rem 0} .code{font:600 1.4rem ui-monospace,monospace;letter-spacing:.1em;text-align:center}
.muted{color:#667;font-size:.85rem}
</style></head><body><main>
{{if .Brand.Logo}}<img src="{{.Brand.Logo}}" alt="{{.Brand.Name}}">{{end}}
<h1>{{.Title}}</h1>
{{if .Message}}<p>{{.Message}}</p>{{end}}
{{if .Error}}<p class="err" role="alert">{{.Error}}</p>{{end}}
{{if .Form}}<form method="post" action="{{.Action}}">
<input type="hidden" name="csrf" value="{{.CSRF}}">
{{range $k, $v := .Hidden}}<input type="hidden" name="{{$k}}" value="{{$v}}">{{end}}
{{if .UserCode}}<p class="code">{{.UserCode}}</p><p class="muted">Check that this code matches the one on your TV.</p>{{end}}
{{if .AskCode}}<label for="user_code">Code shown on your TV</label><input id="user_code" name="user_code" autocomplete="one-time-code" required>{{else}}
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="{{.Email}}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>{{end}}
<button type="submit">{{.Button}}</button>
</form>{{end}}
<p class="muted">{{.Brand.Name}}</p>
</main></body></html>`))

type brand struct {
	Name, Primary, Background, Logo string
}

func brandOf(t *tenant.Tenant) brand {
	b := brand{Name: "stvos", Primary: "#1b5fb5", Background: "#f0f3f8"}
	if t == nil {
		return b
	}
	b.Name = t.Branding.DisplayName
	if b.Name == "" {
		b.Name = t.Name
	}
	if t.Branding.PrimaryColor != "" {
		b.Primary = t.Branding.PrimaryColor
	}
	if t.Branding.SecondaryColor != "" {
		b.Background = t.Branding.SecondaryColor
	}
	b.Logo = t.Branding.LogoURL
	return b
}

type page struct {
	Title, Message, Error, Action, CSRF, Email, UserCode, Button string
	Brand                                                        brand
	Form, AskCode                                                bool
	Hidden                                                       map[string]string
}

func render(w http.ResponseWriter, status int, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src https:; frame-ancestors 'none'")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	_ = pages.Execute(w, p)
}
