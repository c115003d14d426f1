// Package surface holds what every HTTP surface shares: each surface's wire conventions (error
// body, envelope), the huma API built for it on the one listener, the guard that authenticates,
// rate-limits and authorizes every operation from the permission it declares, Idempotency-Key
// support for the operations that switch it on (Idempotent), the request id, access log and
// panic recovery around every request, and the offline API reference pages.
package surface

import (
	"log/slog"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/stvos/stvos/core/grant"
	"github.com/stvos/stvos/policies"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/tenants"
)

// Style is a surface's wire convention for bodies and errors.
type Style int

// The two conventions of ROUTES.md.
const (
	// Enveloped surfaces (app, partner portal) answer {"success":true,"data":...} and errors as
	// {"success":false,"error":{"code","message","requestId","details"}}, in camelCase.
	Enveloped Style = iota + 1
	// Flat surfaces (subscriber, enterprise, platform) answer bare resources and errors as
	// {"code","message","request_id","details"}, in snake_case.
	Flat
)

// Spec describes one surface.
type Spec struct {
	// Name is the surface's name in URLs: /openapi/<name>.json, /docs/<name>.
	Name        string
	Title       string
	Description string
	Style       Style
	// SecuritySchemes are documented besides the shared ones (apiKey, bearer, oauth2), such as
	// the enterprise surface's client-credentials tokens.
	SecuritySchemes map[string]*huma.SecurityScheme
}

// Deps are the services the guard needs.
type Deps struct {
	Resolver *tenants.Resolver
	Signer   ports.TokenSigner
	// Admission counts rate limits, checks revocations and reads tenant generations in one
	// round trip per request.
	Admission ports.Admission
	Clock     ports.Clock
	Limits    tenants.Limits
	// Observer hears of requests and refusals, for metrics; nil hears nothing.
	Observer Observer
	Policy   *policies.Enforcer
	Log      *slog.Logger
	// Idempotency keeps the answers of operations that honour Idempotency-Key (Idempotent).
	Idempotency ports.Idempotency
	Version     string
	// PublicURL is where clients reach the server, for absolute links in answers.
	PublicURL string
}

// Observer records what the surfaces serve and refuse (the telemetry metrics implement it).
type Observer interface {
	// Request records one served request; route is its template, empty when no route matched.
	Request(method, route string, status int, d time.Duration)
	// Refused counts a refusal by a limit: address, registration, credential or failures.
	Refused(limit string)
}

type noObserver struct{}

func (noObserver) Request(string, string, int, time.Duration) {}
func (noObserver) Refused(string)                             {}

func (s *Surface) observer() Observer {
	if s.deps.Observer == nil {
		return noObserver{}
	}
	return s.deps.Observer
}

// Surface is one huma API with its conventions.
type Surface struct {
	Spec
	API    huma.API
	deps   Deps
	tokens *verifiedTokens
}

// MaxBodyBytes bounds JSON request bodies on every operation that does not set its own bound.
const MaxBodyBytes = 64 << 10

// humaDefaultMaxBody is what huma sets on operations that set no bound before this surface sees
// them.
const humaDefaultMaxBody = 1 << 20

// New builds the surface's API on the mux: its OpenAPI document at /openapi/<name>.json and
// .yaml, its reference page at /docs/<name>, and the guard in front of every operation.
func New(mux *http.ServeMux, spec Spec, deps Deps) *Surface {
	installErrorModel()
	cfg := huma.DefaultConfig(spec.Title, deps.Version)
	cfg.CreateHooks = nil // no $schema links in bodies: clients get exactly the documented shapes
	cfg.OpenAPIPath = "/openapi/" + spec.Name
	cfg.DocsPath = ""
	cfg.SchemasPath = ""
	cfg.Info.Description = spec.Description
	cfg.Components.SecuritySchemes = securitySchemes(deps.PublicURL)
	for name, sc := range spec.SecuritySchemes {
		cfg.Components.SecuritySchemes[name] = sc
	}
	s := &Surface{Spec: spec, deps: deps, tokens: newVerifiedTokens()}
	errSchema := s.errorSchema(cfg.Components.Schemas)
	cfg.OnAddOperation = append(cfg.OnAddOperation, func(oapi *huma.OpenAPI, op *huma.Operation) {
		s.prepare(op, errSchema)
		// huma defines its own error model for every operation; this surface answers with its
		// own body instead, so the unused schemas leave the document.
		delete(oapi.Components.Schemas.Map(), "ErrorModel")
		delete(oapi.Components.Schemas.Map(), "ErrorDetail")
	})
	s.API = humago.New(mux, cfg)
	s.API.UseMiddleware(s.recoverPanics, s.guard)
	mux.HandleFunc("GET /docs/"+spec.Name, s.serveDocs)
	return s
}

func (s *Surface) errorSchema(r huma.Registry) *huma.Schema {
	if s.Style == Enveloped {
		return r.Schema(reflect.TypeFor[EnvelopedError](), true, "EnvelopedError")
	}
	return r.Schema(reflect.TypeFor[FlatError](), true, "FlatError")
}

// prepare runs as each operation is added: it binds the operation to this surface, bounds its
// body, documents its security and rate limits, and gives every error response the surface's
// own error schema.
func (s *Surface) prepare(op *huma.Operation, errSchema *huma.Schema) {
	// Operations often share their metadata map and errors slice (a package's access rule, say),
	// and servers built at once in one process (tests) share the package's: each operation gets
	// its own copies before this surface writes to them.
	op.Metadata, op.Errors, op.Responses = maps.Clone(op.Metadata), slices.Clone(op.Errors), maps.Clone(op.Responses)
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[surfaceKey] = s
	if op.MaxBodyBytes == 0 || op.MaxBodyBytes == humaDefaultMaxBody {
		op.MaxBodyBytes = MaxBodyBytes // operations needing more (uploads) set another bound
	}
	acc, _ := op.Metadata[accessKey].(Access)
	if IsIdempotent(op) {
		s.declareIdempotent(op, acc)
	}
	op.Security = acc.security()
	for _, code := range acc.errors() {
		if !contains(op.Errors, code) {
			op.Errors = append(op.Errors, code)
		}
	}
	if op.Responses == nil {
		op.Responses = map[string]*huma.Response{}
	}
	for _, code := range op.Errors {
		op.Responses[itoa(code)] = &huma.Response{Description: http.StatusText(code),
			Content: map[string]*huma.MediaType{"application/json": {Schema: errSchema}}}
	}
	if d, ok := op.Responses["default"]; ok {
		d := *d
		d.Content = map[string]*huma.MediaType{"application/json": {Schema: errSchema}}
		op.Responses["default"] = &d
	}
}

func securitySchemes(publicURL string) map[string]*huma.SecurityScheme {
	scopes := map[string]string{}
	for _, sc := range grant.Scopes {
		scopes[sc] = scopeDocs[sc]
	}
	return map[string]*huma.SecurityScheme{
		"oauth2": {Type: "oauth2", Description: "An access token issued to a client's OAuth app (authorization code with PKCE, " +
			"or the device grant). It reaches only the operations that name one of its scopes; every other operation " +
			"answers 403 INSUFFICIENT_SCOPE.",
			Flows: &huma.OAuthFlows{AuthorizationCode: &huma.OAuthFlow{AuthorizationURL: publicURL + "/oauth/authorize",
				TokenURL: publicURL + "/oauth/token", RefreshURL: publicURL + "/oauth/token", Scopes: scopes}}},
		"apiKey": {Type: "apiKey", In: "header", Name: "X-API-Key",
			Description: "The client's API key, issued by an operator (secret shown once)."},
		"bearer": {Type: "http", Scheme: "bearer", BearerFormat: "JWT",
			Description: "A signed access token (RS256, kid in the header) from the surface's sign-in route."},
	}
}

// scopeDocs says what each OAuth scope grants, for the OpenAPI documents.
var scopeDocs = map[string]string{
	"openid":            "Sign in with OpenID Connect (an ID token and userinfo).",
	"profile":           "Read and change the account's profile.",
	"content:read":      "Browse the catalog.",
	"subscription:read": "Read the subscription.",
	"watchlist":         "Read and change the watchlist.",
	"devices":           "List and sign out the account's devices and sessions.",
	"drm":               "Obtain playback licences.",
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// Link makes an absolute URL of a path served by this server.
func (s *Surface) Link(path string) string {
	if path == "" || !strings.HasPrefix(path, "/") {
		return path
	}
	return s.deps.PublicURL + path
}
