package platform

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/tenant"
)

// APIKeyBody is an API key as listed: never its secret.
type APIKeyBody struct {
	ID         string     `json:"id" format:"uuid"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix" doc:"The key's public start, to tell keys apart."`
	Status     string     `json:"status" enum:"active,revoked"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty" doc:"Recorded at most once a minute."`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

func apiKeyBody(k tenant.APIKey) APIKeyBody {
	st := "active"
	if k.Revoked() {
		st = "revoked"
	}
	return APIKeyBody{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Status: st, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt}
}

// IssuedAPIKeyBody is a new key with its secret, shown this once.
type IssuedAPIKeyBody struct {
	APIKeyBody
	Key string `json:"key" doc:"The secret to send as X-API-Key. It is shown only now; only its hash is kept."`
}

// IssueAPIKeyInput issues a key.
type IssueAPIKeyInput struct {
	TenantIDInput
	Body struct {
		Name string `json:"name,omitempty" maxLength:"100" doc:"What the key is for, such as \"iOS app\"."`
	}
}

// IssueAPIKeyOutput is the issued key.
type IssueAPIKeyOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         IssuedAPIKeyBody
}

// APIKeyListOutput lists a client's keys.
type APIKeyListOutput struct {
	Body struct {
		Data []APIKeyBody `json:"data"`
	}
}

// RevokeAPIKeyInput names a key.
type RevokeAPIKeyInput struct {
	TenantIDInput
	KeyID string `path:"key_id" format:"uuid"`
}

// APIKeyOutput is one key.
type APIKeyOutput struct {
	Body APIKeyBody
}

func registerAPIKeys(s *surface.Surface, svc *tenant.Service) {
	access := func(perm string) map[string]any {
		return surface.Access{Permission: perm, Requires: []surface.Credential{surface.OperatorToken}, TenantParam: "tenant_id"}.Meta()
	}
	huma.Register(s.API, huma.Operation{
		OperationID: "list-api-keys", Method: http.MethodGet, Path: "/platform/tenants/{tenant_id}/api-keys", Tags: []string{"api-keys"},
		Summary: "List a client's API keys", Description: "Newest first; secrets are never shown again.",
		Metadata: access("platform:api_keys:read"), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *TenantIDInput) (*APIKeyListOutput, error) {
		keys, err := svc.ListKeys(ctx, in.TenantID)
		if err != nil {
			return nil, err
		}
		out := &APIKeyListOutput{}
		out.Body.Data = make([]APIKeyBody, len(keys))
		for i, k := range keys {
			out.Body.Data[i] = apiKeyBody(k)
		}
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "issue-api-key", Method: http.MethodPost, Path: "/platform/tenants/{tenant_id}/api-keys", Tags: []string{"api-keys"},
		Summary: "Issue an API key", Description: "The secret (key) is in this answer only. A client holds at most 20 active keys.",
		DefaultStatus: http.StatusCreated, Metadata: access("platform:api_keys:write"),
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *IssueAPIKeyInput) (*IssueAPIKeyOutput, error) {
		k, err := svc.IssueKey(ctx, in.TenantID, in.Body.Name)
		if err != nil {
			return nil, err
		}
		return &IssueAPIKeyOutput{CacheControl: "no-store", Body: IssuedAPIKeyBody{APIKeyBody: apiKeyBody(k.APIKey), Key: k.Secret}}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "revoke-api-key", Method: http.MethodDelete, Path: "/platform/tenants/{tenant_id}/api-keys/{key_id}", Tags: []string{"api-keys"},
		Summary: "Revoke an API key", Description: "Takes effect on the next request. Revoking twice changes nothing.",
		Metadata: access("platform:api_keys:write"), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *RevokeAPIKeyInput) (*APIKeyOutput, error) {
		k, err := svc.RevokeKey(ctx, in.TenantID, in.KeyID)
		if err != nil {
			return nil, err
		}
		return &APIKeyOutput{Body: apiKeyBody(k)}, nil
	})
}
