package subscriber

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/ports"
)

// JWKSOutput is the JSON Web Key Set of the token signing keys.
type JWKSOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         struct {
		Keys []ports.PublicKey `json:"keys"`
	}
}

func registerJWKS(s *surface.Surface, signer ports.TokenSigner) {
	huma.Register(s.API, huma.Operation{
		OperationID: "get-jwks", Method: http.MethodGet, Path: "/oauth/jwks", Tags: []string{"oauth"},
		Summary:     "Token signing keys (JWKS, RFC 7517)",
		Description: "Every token names its key in kid. After a rotation the previous key stays listed until the tokens it signed expire.",
		Metadata:    surface.Public(),
	}, func(ctx context.Context, _ *struct{}) (*JWKSOutput, error) {
		out := &JWKSOutput{CacheControl: "public, max-age=300"}
		out.Body.Keys = signer.PublicKeys(ctx)
		return out, nil
	})
}
