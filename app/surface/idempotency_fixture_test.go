package surface_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/stretchr/testify/require"
	"go.uber.org/fx"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

// The Idempotency-Key mechanism over real HTTP: the real server (guard, tokens, PostgreSQL,
// Redis) with one more surface holding a test operation, "create-charge", that writes an audit
// record per run (its side effect, counted in the database) and can be told by test headers to
// fail, panic or take its time after writing.

var chargeSpec = surface.Spec{Name: "idemtest", Title: "Idempotency test surface", Style: surface.Flat}

// ChargeInput is a charge to make.
type ChargeInput struct {
	Fail   bool `header:"X-Test-Fail" doc:"Answer 500 after writing."`
	Panic  bool `header:"X-Test-Panic" doc:"Panic after writing."`
	HoldMs int  `header:"X-Test-Hold-Ms" minimum:"0" maximum:"5000" doc:"Wait after writing."`
	Body   struct {
		Amount int    `json:"amount" minimum:"1" maximum:"1000000" doc:"402 declines the card after writing."`
		Note   string `json:"note,omitempty" maxLength:"50"`
	}
}

// ChargeBody is a charge made.
type ChargeBody struct {
	ID     string `json:"id"`
	Amount int    `json:"amount"`
}

// ChargeOutput is the answer to a charge.
type ChargeOutput struct {
	Status   int
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     ChargeBody
}

type charges struct {
	uow   ports.UnitOfWork
	audit audit.Store
	runs  atomic.Int64
}

const chargeAction = "test.charge"

func (c *charges) create(ctx context.Context, in *ChargeInput) (*ChargeOutput, error) {
	c.runs.Add(1)
	p := surface.PrincipalFrom(ctx)
	id := ports.NewID()
	err := c.uow.Do(ctx, ports.TenantScope(p.TenantID), func(ctx context.Context) error {
		return c.audit.Append(ctx, audit.Record{ID: id, TenantID: p.TenantID, ActorKind: "user", ActorID: p.Subject,
			Action: chargeAction, TargetKind: "charge", TargetID: id, Details: map[string]any{"amount": in.Body.Amount}, CreatedAt: time.Now()})
	})
	if err != nil {
		return nil, err
	}
	time.Sleep(time.Duration(in.HoldMs) * time.Millisecond)
	switch {
	case in.Panic:
		panic("test: the handler panicked")
	case in.Fail:
		return nil, errors.New("test: the gateway timed out")
	case in.Body.Amount == 402:
		return nil, &ports.Error{Kind: ports.ErrInvalid, Code: "CARD_DECLINED", Message: "The card was declined."}
	}
	return &ChargeOutput{Status: http.StatusCreated, ETag: `"1"`, Location: "/charges/" + id,
		Body: ChargeBody{ID: id, Amount: in.Body.Amount}}, nil
}

type env struct {
	t       *testing.T
	url     string
	charges *charges
	tenants *tenant.Service
	audit   *audit.Service
	store   ports.Idempotency
}

type caller struct {
	tenantID, subject, token string
}

func setup(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, charges: &charges{}}
	extra := fx.Options(
		fx.Provide(fx.Annotate(func(mux *http.ServeMux, deps surface.Deps, uow ports.UnitOfWork, st audit.Store) *surface.Surface {
			s := surface.New(mux, chargeSpec, deps)
			e.charges.uow, e.charges.audit = uow, st
			huma.Register(s.API, huma.Operation{OperationID: "create-charge", Method: http.MethodPost, Path: "/charges",
				Summary: "Make a charge", DefaultStatus: http.StatusCreated,
				Metadata: surface.Idempotent(surface.Permit("self:charges:write", surface.UserToken))}, e.charges.create)
			return s
		}, fx.ResultTags(`group:"surfaces"`))),
		fx.Populate(&e.tenants, &e.audit, &e.store),
	)
	e.url = harness.StartServerWith(t, harness.NewBackends(t), extra).URL
	return e
}

// tenant makes a client with an API key.
func (e *env) tenant(slug string) (tenantID, key string) {
	ctx := context.Background()
	tn, err := e.tenants.Create(ctx, tenant.NewTenant{Name: "Client " + slug, Slug: slug})
	require.NoError(e.t, err)
	k, err := e.tenants.IssueKey(ctx, tn.ID, "app")
	require.NoError(e.t, err)
	return tn.ID, k.Secret
}

// subscriber registers a subscriber of the client through the app, as an app would.
func (e *env) subscriber(tenantID, key, email string) caller {
	r := e.do(http.MethodPost, "/auth/register", `{"email":"`+email+`","password":"a long password","name":"Member"}`,
		"X-API-Key", key)
	require.Equal(e.t, http.StatusCreated, r.status, string(r.body))
	data := r.json["data"].(map[string]any)
	return caller{tenantID: tenantID, subject: data["user"].(map[string]any)["id"].(string), token: data["accessToken"].(string)}
}

type reply struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any
}

func (e *env) do(method, path, body string, headers ...string) reply {
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	require.NoError(e.t, err)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header[http.CanonicalHeaderKey(headers[i])] = []string{headers[i+1]}
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	r := reply{status: res.StatusCode, header: res.Header, body: raw}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &r.json)
	}
	return r
}

// charge posts a charge with a key ("" sends none) and test headers.
func (e *env) charge(c caller, key, body string, headers ...string) reply {
	h := append([]string{"Authorization", "Bearer " + c.token}, headers...)
	if key != "" {
		h = append(h, surface.IdempotencyHeader, key)
	}
	return e.do(http.MethodPost, "/charges", body, h...)
}

// effects counts the charges the caller's runs wrote and committed.
func (e *env) effects(c caller) int {
	rs, _, err := e.audit.List(context.Background(), c.tenantID, audit.Filter{Action: chargeAction, ActorID: c.subject}, "", 100)
	require.NoError(e.t, err)
	return len(rs)
}

func (r reply) code() string {
	s, _ := r.json["code"].(string)
	return s
}

func (r reply) replayed() bool { return r.header.Get(surface.ReplayedHeader) == "true" }
