package mobile

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// UserBody is the signed-in user as the app sees them.
type UserBody struct {
	ID          string     `json:"id" format:"uuid"`
	Email       string     `json:"email" format:"email"`
	DisplayName string     `json:"displayName"`
	AvatarURL   string     `json:"avatarUrl,omitempty"`
	Status      string     `json:"status" enum:"active,suspended"`
	Roles       []string   `json:"roles"`
	LastLoginAt *time.Time `json:"lastLoginAt,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
}

func userBody(u account.User) UserBody {
	return UserBody{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, AvatarURL: u.AvatarURL, Status: string(u.Status),
		Roles: u.Roles, LastLoginAt: u.LastLoginAt, CreatedAt: u.CreatedAt}
}

// SessionBody is a user with a fresh token set.
type SessionBody struct {
	User         UserBody `json:"user"`
	AccessToken  string   `json:"accessToken" doc:"Signed JWT (RS256); send as Authorization: Bearer with the X-API-Key."`
	RefreshToken string   `json:"refreshToken" doc:"Single-use: each refresh returns a new one; reusing an old one ends the session."`
	ExpiresIn    int      `json:"expiresIn" example:"900"`
	TokenType    string   `json:"tokenType" example:"Bearer"`
}

// SessionOutput answers register, login and refresh.
type SessionOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         surface.Envelope[SessionBody]
}

func sessionOutput(u account.User, ts session.TokenSet) *SessionOutput {
	return &SessionOutput{CacheControl: "no-store", Body: surface.OK(SessionBody{User: userBody(u), AccessToken: ts.AccessToken,
		RefreshToken: ts.RefreshToken, ExpiresIn: ts.ExpiresIn, TokenType: ts.TokenType})}
}

// RegisterInput signs a member up.
type RegisterInput struct {
	Body struct {
		Email       string `json:"email" format:"email" maxLength:"254"`
		Password    string `json:"password" minLength:"10" maxLength:"128"`
		Name        string `json:"name" minLength:"1" maxLength:"100"`
		VoucherCode string `json:"voucherCode,omitempty" maxLength:"64" doc:"A partner's voucher code, validated at /auth/voucher/validate."`
	}
}

// LoginInput signs a member in.
type LoginInput struct {
	Body struct {
		Email    string `json:"email" format:"email" maxLength:"254"`
		Password string `json:"password" minLength:"1" maxLength:"128"`
	}
}

// RefreshInput rotates a refresh token.
type RefreshInput struct {
	Body struct {
		RefreshToken string `json:"refreshToken" minLength:"1" maxLength:"300"`
	}
}

// LogoutOutput confirms a logout.
type LogoutOutput struct {
	Body surface.Envelope[surface.Empty]
}

func registerAuth(s *surface.Surface, accounts *account.Service, sessions *session.Service, enroll account.Enrollment) {
	key := func(perm string, registration bool) map[string]any {
		return surface.Access{Permission: perm, Requires: []surface.Credential{surface.APIKey}, Registration: registration}.Meta()
	}
	huma.Register(s.API, huma.Operation{
		OperationID: "register", Method: http.MethodPost, Path: "/auth/register", Tags: []string{"auth"},
		Summary: "Register a member",
		Description: "Creates the account in the API key's client and signs it in. With a voucherCode the member joins the partner " +
			"that gave out the code, in the same transaction: the code is spent once whatever the concurrency, and a code that " +
			"cannot be used (unknown, redeemed, revoked, expired) refuses the whole registration with 422 INVALID_VOUCHER.",
		DefaultStatus: http.StatusCreated, Metadata: key("auth:register:call", true),
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *RegisterInput) (*SessionOutput, error) {
		u, ts, err := accounts.Register(ctx, surface.PrincipalFrom(ctx).TenantID, account.Registration{Email: in.Body.Email,
			Password: in.Body.Password, Name: in.Body.Name, VoucherCode: in.Body.VoucherCode}, surface.ClientOf(ctx), enroll)
		if err != nil {
			return nil, err
		}
		return sessionOutput(u, ts), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "login", Method: http.MethodPost, Path: "/auth/login", Tags: []string{"auth"},
		Summary: "Sign in with email and password", Metadata: key("auth:login:call", false),
		Description: "Failed sign-ins are counted per account and address (5 in 15 minutes) and per address across accounts " +
			"(50 in 10 minutes); past either, 429 TOO_MANY_ATTEMPTS with Retry-After. Successful sign-ins cost nothing. " +
			"A suspended account gets 403 ACCOUNT_SUSPENDED.",
		Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *LoginInput) (*SessionOutput, error) {
		u, ts, err := accounts.Login(ctx, surface.PrincipalFrom(ctx).TenantID, in.Body.Email, in.Body.Password, surface.ClientOf(ctx))
		if err != nil {
			return nil, err
		}
		return sessionOutput(u, ts), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "refresh", Method: http.MethodPost, Path: "/auth/refresh", Tags: []string{"auth"},
		Summary:     "Rotate the refresh token",
		Description: "Returns a new token set. Reusing a refresh token that was already rotated ends the whole session.",
		Metadata:    key("auth:refresh:call", false), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *RefreshInput) (*SessionOutput, error) {
		p := surface.PrincipalFrom(ctx)
		ts, err := accounts.Refresh(ctx, p.TenantID, in.Body.RefreshToken)
		if err != nil {
			return nil, err
		}
		u, err := accounts.Me(ctx, p.TenantID, ts.SubjectID)
		if err != nil {
			return nil, err
		}
		return sessionOutput(u, ts), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "logout", Method: http.MethodPost, Path: "/auth/logout", Tags: []string{"auth"},
		Summary: "Sign out", Description: "Ends this session: its refresh token and access tokens stop working at once.",
		Metadata: surface.Access{Permission: "self:session:write", Requires: []surface.Credential{surface.APIKey, surface.UserToken}}.Meta(),
	}, func(ctx context.Context, _ *struct{}) (*LogoutOutput, error) {
		p := surface.PrincipalFrom(ctx)
		if err := sessions.Logout(ctx, ports.TenantScope(p.TenantID), p.SessionID); err != nil {
			return nil, err
		}
		return &LogoutOutput{Body: surface.OK(surface.Empty{})}, nil
	})
}
