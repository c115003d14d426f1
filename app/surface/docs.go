package surface

import (
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// The reference page is rendered here from the surface's own OpenAPI document, with no script and
// no asset from elsewhere, so it works offline and always matches what the server does.
var docsPage = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
h1{margin-bottom:.2rem} .op{border:1px solid #d6dae3;border-radius:6px;margin:1rem 0;padding:.6rem 1rem}
.m{display:inline-block;min-width:4.5rem;font-weight:700;font-family:monospace}
.GET{color:#0b7a3e}.POST{color:#1b5fb5}.PUT,.PATCH{color:#a55d00}.DELETE{color:#b3261e}
code,pre{font-family:ui-monospace,monospace;font-size:13px} pre{background:#f5f6f8;padding:.6rem;overflow:auto;border-radius:4px}
table{border-collapse:collapse} td,th{border-bottom:1px solid #eee;padding:.2rem .6rem;text-align:left;vertical-align:top}
.muted{color:#667}
</style></head><body>
<h1>{{.Title}}</h1><p class="muted">Version {{.Version}} · <a href="/openapi/{{.Name}}.json">OpenAPI 3.1 (JSON)</a> · <a href="/openapi/{{.Name}}.yaml">YAML</a></p>
<p>{{.Description}}</p>
{{range .Ops}}<div class="op" id="{{.ID}}"><div><span class="m {{.Method}}">{{.Method}}</span><code>{{.Path}}</code> — {{.Summary}}</div>
{{if .Description}}<p>{{.Description}}</p>{{end}}
<p class="muted">Operation <code>{{.ID}}</code>{{if .Security}} · needs {{.Security}}{{else}} · public{{end}}</p>
{{if .Params}}<table><tr><th>parameter</th><th>in</th><th>type</th><th>description</th></tr>
{{range .Params}}<tr><td><code>{{.Name}}</code>{{if .Required}} *{{end}}</td><td>{{.In}}</td><td>{{.Type}}</td><td>{{.Description}}</td></tr>{{end}}</table>{{end}}
{{if .Body}}<p>Request body:</p><pre>{{.Body}}</pre>{{end}}
<p>Responses: {{range .Responses}}<code>{{.}}</code> {{end}}</p></div>{{end}}
<h2>Schemas</h2>{{range .Schemas}}<h3 id="schema-{{.Name}}">{{.Name}}</h3><pre>{{.JSON}}</pre>{{end}}
</body></html>`))

type docsOp struct {
	ID, Method, Path, Summary, Description, Security, Body string
	Params                                                 []docsParam
	Responses                                              []string
}

type docsParam struct {
	Name, In, Type, Description string
	Required                    bool
}

type docsSchema struct{ Name, JSON string }

func (s *Surface) serveDocs(w http.ResponseWriter, _ *http.Request) {
	oapi := s.API.OpenAPI()
	data := struct {
		Title, Version, Description, Name string
		Ops                               []docsOp
		Schemas                           []docsSchema
	}{Title: oapi.Info.Title, Version: oapi.Info.Version, Description: oapi.Info.Description, Name: s.Name}
	paths := make([]string, 0, len(oapi.Paths))
	for p := range oapi.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		item := oapi.Paths[p]
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op != nil {
				data.Ops = append(data.Ops, describe(op))
			}
		}
	}
	for name, sc := range oapi.Components.Schemas.Map() {
		b, _ := json.MarshalIndent(sc, "", "  ")
		data.Schemas = append(data.Schemas, docsSchema{Name: name, JSON: string(b)})
	}
	sort.Slice(data.Schemas, func(i, j int) bool { return data.Schemas[i].Name < data.Schemas[j].Name })
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	_ = docsPage.Execute(w, data)
}

func describe(op *huma.Operation) docsOp {
	d := docsOp{ID: op.OperationID, Method: op.Method, Path: op.Path, Summary: op.Summary, Description: op.Description}
	var sec []string
	for _, req := range op.Security {
		for name := range req {
			sec = append(sec, name)
		}
	}
	sort.Strings(sec)
	d.Security = strings.Join(sec, " + ")
	for _, p := range op.Parameters {
		typ := ""
		if p.Schema != nil {
			typ = p.Schema.Type
		}
		d.Params = append(d.Params, docsParam{Name: p.Name, In: p.In, Type: typ, Description: p.Description, Required: p.Required})
	}
	if op.RequestBody != nil {
		for ct, mt := range op.RequestBody.Content {
			if mt.Schema != nil {
				b, _ := json.Marshal(mt.Schema)
				d.Body = ct + " " + string(b)
			}
		}
	}
	for code := range op.Responses {
		d.Responses = append(d.Responses, code)
	}
	sort.Strings(d.Responses)
	return d
}
