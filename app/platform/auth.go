package platform

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/operator"
	"github.com/stvos/stvos/core/session"
)

// LoginInput is an operator's sign-in.
type LoginInput struct {
	Body struct {
		Email    string `json:"email" format:"email" maxLength:"254" doc:"The operator's email."`
		Password string `json:"password" minLength:"1" maxLength:"128" doc:"The operator's password."`
	}
}

// RefreshInput trades a refresh token for a new token set.
type RefreshInput struct {
	Body struct {
		RefreshToken string `json:"refresh_token" minLength:"1" maxLength:"300" doc:"The refresh token of the last sign-in or refresh."`
	}
}

// TokenOutput is a token set (RFC 6749 section 5.1).
type TokenOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         TokenBody
}

// TokenBody is a token set.
type TokenBody struct {
	AccessToken  string `json:"access_token" doc:"Signed JWT (RS256) for Authorization: Bearer."`
	TokenType    string `json:"token_type" example:"Bearer"`
	ExpiresIn    int    `json:"expires_in" example:"900" doc:"Seconds until the access token expires."`
	RefreshToken string `json:"refresh_token" doc:"Single-use: each refresh returns a new one; reusing an old one ends the session."`
}

func tokenOutput(ts session.TokenSet) *TokenOutput {
	return &TokenOutput{CacheControl: "no-store", Body: TokenBody{AccessToken: ts.AccessToken, TokenType: ts.TokenType,
		ExpiresIn: ts.ExpiresIn, RefreshToken: ts.RefreshToken}}
}

func registerAuth(s *surface.Surface, operators *operator.Service) {
	huma.Register(s.API, huma.Operation{
		OperationID: "login-operator", Method: http.MethodPost, Path: "/platform/auth/login", Tags: []string{"auth"},
		Summary: "Sign in as an operator",
		Description: "Returns a short-lived access token (15 minutes) and a refresh token. Failed sign-ins are counted " +
			"per account and address, and per address: past the budget, 429 TOO_MANY_ATTEMPTS with Retry-After.",
		Metadata: surface.Public(), Errors: []int{http.StatusUnauthorized},
	}, func(ctx context.Context, in *LoginInput) (*TokenOutput, error) {
		ts, err := operators.Login(ctx, in.Body.Email, in.Body.Password, surface.ClientOf(ctx))
		if err != nil {
			return nil, err
		}
		return tokenOutput(ts), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "refresh-operator-token", Method: http.MethodPost, Path: "/platform/auth/refresh", Tags: []string{"auth"},
		Summary:     "Refresh an operator's tokens",
		Description: "Rotates the refresh token. Presenting a refresh token that was already used revokes the session.",
		Metadata:    surface.Public(), Errors: []int{http.StatusUnauthorized},
	}, func(ctx context.Context, in *RefreshInput) (*TokenOutput, error) {
		ts, err := operators.Refresh(ctx, in.Body.RefreshToken)
		if err != nil {
			return nil, err
		}
		return tokenOutput(ts), nil
	})
}
