package mobile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/flag"
	"github.com/stvos/stvos/ports"
)

// The OpenFeature Remote Evaluation Protocol (OFREP) is served on the app surface, because the
// callers are the client's apps: an app's OpenFeature provider (any OFREP provider, configured with
// the client's API key as its X-API-Key header) reads its own client's flags. Its bodies are the
// protocol's, not the surface's envelope; only the guard's refusals (401, 403, 429) keep the
// surface's error body, which the protocol leaves open.

// OFREPRequest is an evaluation request.
type OFREPRequest struct {
	Context map[string]any `json:"context,omitempty" doc:"The evaluation context: targetingKey is the context key; kind (stvos's own attribute) its kind, \"user\" when absent. Other attributes are ignored."`
}

// OFREPEvaluation is a successful evaluation of one flag.
type OFREPEvaluation struct {
	Key      string         `json:"key"`
	Value    any            `json:"value" doc:"The flag's value, of its type."`
	Reason   string         `json:"reason" enum:"STATIC,TARGETING_MATCH,DEFAULT,DISABLED" doc:"STATIC: the flag targets nobody; TARGETING_MATCH: an individual target or a segment rule; DEFAULT: nothing matched; DISABLED: the flag is off."`
	Variant  string         `json:"variant"`
	Metadata map[string]any `json:"metadata" doc:"version: the flag's version."`
}

// OFREPFailure is a failed evaluation of one flag.
type OFREPFailure struct {
	Key          string `json:"key,omitempty"`
	ErrorCode    string `json:"errorCode" enum:"FLAG_NOT_FOUND,PARSE_ERROR,TARGETING_KEY_MISSING,INVALID_CONTEXT,GENERAL"`
	ErrorDetails string `json:"errorDetails,omitempty"`
}

// OFREPBulk is the evaluation of every flag of the client.
type OFREPBulk struct {
	Flags []any `json:"flags" doc:"One OFREPEvaluation or OFREPFailure per flag, in key order."`
}

// RawRequest is an optional JSON body read raw by the handler, so that a malformed body answers
// the protocol's PARSE_ERROR rather than the surface's error (huma's RawBody would make the body
// required, and providers may send none).
type RawRequest struct {
	raw     []byte
	tooLong bool
}

// Resolve reads the body, up to surface.MaxBodyBytes.
func (b *RawRequest) Resolve(ctx huma.Context) []error {
	raw, err := io.ReadAll(io.LimitReader(ctx.BodyReader(), surface.MaxBodyBytes+1))
	if err != nil {
		return []error{&huma.ErrorDetail{Location: "body", Message: "could not be read: " + err.Error()}}
	}
	b.raw, b.tooLong = raw, len(raw) > surface.MaxBodyBytes
	return nil
}

// OFREPInput is an evaluation request for one flag.
type OFREPInput struct {
	Key     string `path:"key" maxLength:"100"`
	Request RawRequest
}

// OFREPBulkInput is a bulk evaluation request.
type OFREPBulkInput struct {
	IfNoneMatch string `header:"If-None-Match" doc:"The ETag of an earlier answer: 304 while the client's flags are unchanged (for this context)."`
	Request     RawRequest
}

// OFREPOutput is an answer in the protocol's shape.
type OFREPOutput struct {
	Status int
	ETag   string `header:"ETag"`
	Body   any
}

func failure(status int, key, code, details string) *OFREPOutput {
	return &OFREPOutput{Status: status, Body: OFREPFailure{Key: key, ErrorCode: code, ErrorDetails: details}}
}

// readContext reads the request's context; a failure is (code, details).
func readContext(b RawRequest) (flag.Context, string, string) {
	var c flag.Context
	raw := b.raw
	if b.tooLong {
		return c, "PARSE_ERROR", "The body is larger than 64 KiB."
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return c, "", ""
	}
	var req struct {
		Context json.RawMessage `json:"context"`
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		return c, "PARSE_ERROR", "The body is not a JSON object: " + err.Error()
	}
	if len(req.Context) == 0 || string(req.Context) == "null" {
		return c, "", ""
	}
	var attrs map[string]any
	if err := json.Unmarshal(req.Context, &attrs); err != nil {
		return c, "INVALID_CONTEXT", "context must be an object."
	}
	var ok bool
	if v, present := attrs["targetingKey"]; present {
		if c.Key, ok = v.(string); !ok {
			return c, "INVALID_CONTEXT", "context.targetingKey must be a string."
		}
	}
	if v, present := attrs["kind"]; present {
		if c.Kind, ok = v.(string); !ok {
			return c, "INVALID_CONTEXT", "context.kind must be a string."
		}
	}
	if c.Kind == "" {
		c.Kind = flag.DefaultKind
	}
	if err := flag.CheckEvaluated(c); err != nil {
		var reasons []string
		for _, f := range ports.AsError(err).Fields {
			reasons = append(reasons, f.Field+" "+f.Reason)
		}
		return c, "INVALID_CONTEXT", strings.Join(reasons, "; ") + "."
	}
	return c, "", ""
}

func evaluation(r flag.Result) OFREPEvaluation {
	return OFREPEvaluation{Key: r.Key, Value: r.Value, Reason: string(r.Reason), Variant: r.Variant,
		Metadata: map[string]any{"version": r.Version}}
}

func registerOFREP(s *surface.Surface, flags *flag.Service) {
	reg := s.API.OpenAPI().Components.Schemas
	schema := func(t reflect.Type, name string) *huma.Schema { return reg.Schema(t, true, name) }
	body := &huma.RequestBody{Content: map[string]*huma.MediaType{"application/json": {Schema: schema(reflect.TypeFor[OFREPRequest](), "OFREPRequest"),
		Example: map[string]any{"context": map[string]any{"targetingKey": "user-123", "kind": "user"}}}}}
	json := func(desc string, sc *huma.Schema) *huma.Response {
		return &huma.Response{Description: desc, Content: map[string]*huma.MediaType{"application/json": {Schema: sc}}}
	}
	failed := schema(reflect.TypeFor[OFREPFailure](), "OFREPFailure")
	huma.Register(s.API, huma.Operation{
		OperationID: "ofrep-evaluate-flag", Method: http.MethodPost, Path: "/ofrep/v1/evaluate/flags/{key}", Tags: []string{"ofrep"},
		Summary: "Evaluate a flag (OFREP)",
		Description: "OpenFeature Remote Evaluation Protocol, single flag. Authenticate with the client's X-API-Key (OFREP providers' " +
			"API key option). Evaluation order: off (DISABLED) → individual targets → segment rules (TARGETING_MATCH) → default " +
			"(DEFAULT, or STATIC when the flag targets nobody). Errors in the protocol's body: 404 FLAG_NOT_FOUND; 400 PARSE_ERROR, " +
			"INVALID_CONTEXT, TARGETING_KEY_MISSING (the flag targets contexts and no targetingKey was sent).",
		Metadata: surface.Permit("app:flags:read", surface.APIKey),
		Responses: map[string]*huma.Response{
			"200": json("The evaluation.", schema(reflect.TypeFor[OFREPEvaluation](), "OFREPEvaluation")),
			"400": json("Bad evaluation request.", failed), "404": json("Flag not found.", failed)},
	}, func(ctx context.Context, in *OFREPInput) (*OFREPOutput, error) {
		c, code, details := readContext(in.Request)
		if code != "" {
			return failure(http.StatusBadRequest, in.Key, code, details), nil
		}
		r, err := flags.Evaluate(ctx, surface.PrincipalFrom(ctx).TenantID, in.Key, c)
		switch {
		case errors.Is(err, flag.ErrFlagNotFound):
			return failure(http.StatusNotFound, in.Key, "FLAG_NOT_FOUND", "The client has no flag "+strconv.Quote(in.Key)+"."), nil
		case errors.Is(err, flag.ErrTargetingKeyMissing):
			return failure(http.StatusBadRequest, in.Key, "TARGETING_KEY_MISSING", "The flag targets contexts: send context.targetingKey."), nil
		case err != nil:
			return nil, err
		}
		return &OFREPOutput{Status: http.StatusOK, Body: evaluation(r)}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "ofrep-evaluate-flags", Method: http.MethodPost, Path: "/ofrep/v1/evaluate/flags", Tags: []string{"ofrep"},
		Summary: "Evaluate every flag (OFREP bulk)",
		Description: "OpenFeature Remote Evaluation Protocol, bulk: every flag of the client for the context, in key order; a flag " +
			"that cannot be evaluated for it is an item with errorCode. The ETag names the client's flag definitions and the " +
			"context: with If-None-Match equal to it the answer is 304 until a flag, segment or target changes.",
		Metadata: surface.Permit("app:flags:read", surface.APIKey),
		Responses: map[string]*huma.Response{
			"200": json("The evaluations.", schema(reflect.TypeFor[OFREPBulk](), "OFREPBulk")),
			"304": {Description: "Not modified."}, "400": json("Bad evaluation request.", failed)},
	}, func(ctx context.Context, in *OFREPBulkInput) (*OFREPOutput, error) {
		c, code, details := readContext(in.Request)
		if code != "" {
			return failure(http.StatusBadRequest, "", code, details), nil
		}
		snap, err := flags.Snapshot(ctx, surface.PrincipalFrom(ctx).TenantID)
		if err != nil {
			return nil, err
		}
		h := fnv.New64a()
		_, _ = h.Write([]byte(snap.ETag() + "\x00" + c.Kind + "\x00" + c.Key))
		etag := `"` + strconv.FormatUint(h.Sum64(), 36) + `"`
		if in.IfNoneMatch != "" && strings.Contains(in.IfNoneMatch, etag) {
			return &OFREPOutput{Status: http.StatusNotModified, ETag: etag}, nil
		}
		out := OFREPBulk{Flags: make([]any, 0, len(snap.Keys()))}
		for _, k := range snap.Keys() {
			r, err := snap.Evaluate(k, c)
			if errors.Is(err, flag.ErrTargetingKeyMissing) {
				out.Flags = append(out.Flags, OFREPFailure{Key: k, ErrorCode: "TARGETING_KEY_MISSING",
					ErrorDetails: "The flag targets contexts: send context.targetingKey."})
				continue
			}
			out.Flags = append(out.Flags, evaluation(r))
		}
		return &OFREPOutput{Status: http.StatusOK, ETag: etag, Body: out}, nil
	})
	// The body is documented only now: an operation registered with a JSON schema for its body has
	// huma read and validate it, and these read it themselves (RawRequest).
	for _, p := range []string{"/ofrep/v1/evaluate/flags/{key}", "/ofrep/v1/evaluate/flags"} {
		s.API.OpenAPI().Paths[p].Post.RequestBody = body
	}
}
