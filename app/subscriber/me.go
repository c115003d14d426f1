package subscriber

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/balance"
	"github.com/stvos/stvos/core/session"
)

// UserBody is an account as the specification shows it.
type UserBody struct {
	ID                      string          `json:"id" format:"uuid"`
	Email                   string          `json:"email" format:"email"`
	EmailVerified           bool            `json:"email_verified"`
	DisplayName             string          `json:"display_name"`
	Phone                   string          `json:"phone,omitempty"`
	PhoneVerified           bool            `json:"phone_verified"`
	AvatarURL               string          `json:"avatar_url,omitempty"`
	Locale                  string          `json:"locale"`
	Timezone                string          `json:"timezone"`
	CountryCode             string          `json:"country_code,omitempty"`
	PreferredLanguage       string          `json:"preferred_language"`
	Status                  string          `json:"status" enum:"active,suspended"`
	Roles                   []string        `json:"roles"`
	MFAEnabled              bool            `json:"mfa_enabled"`
	NotificationPreferences map[string]bool `json:"notification_preferences"`
	TermsAcceptedAt         *time.Time      `json:"terms_accepted_at,omitempty"`
	LastLoginAt             *time.Time      `json:"last_login_at,omitempty"`
	CreatedAt               time.Time       `json:"created_at"`
	UpdatedAt               time.Time       `json:"updated_at"`
	// AccountBalance is shown by GET /users/me only.
	AccountBalance *AccountBalanceBody `json:"account_balance,omitempty" doc:"Credit the account holds (redeemed gift cards, refunds), applied to its next invoices; shown by GET /users/me, and left out when the account holds none."`
}

func userBody(u account.User) UserBody {
	return UserBody{ID: u.ID, Email: u.Email, EmailVerified: u.EmailVerified, DisplayName: u.DisplayName, Phone: u.Phone,
		PhoneVerified: u.PhoneVerified, AvatarURL: u.AvatarURL, Locale: u.Locale, Timezone: u.Timezone, CountryCode: u.CountryCode,
		PreferredLanguage: u.PreferredLanguage, Status: string(u.Status), Roles: u.Roles, MFAEnabled: u.MFAEnabled,
		NotificationPreferences: u.NotificationPreferences, TermsAcceptedAt: u.TermsAcceptedAt, LastLoginAt: u.LastLoginAt,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

// UserOutput is one account with its version as ETag.
type UserOutput struct {
	ETag string `header:"ETag"`
	Body UserBody
}

func userOutput(s *surface.Surface, u account.User) *UserOutput {
	b := userBody(u)
	b.AvatarURL = s.Link(b.AvatarURL)
	return &UserOutput{ETag: surface.ETag(u.Version), Body: b}
}

// UpdateMeInput changes the caller's account; at least one field.
type UpdateMeInput struct {
	Body struct {
		DisplayName             *string         `json:"display_name,omitempty" minLength:"1" maxLength:"100"`
		Phone                   *string         `json:"phone,omitempty" maxLength:"20" pattern:"^(\\+[1-9]\\d{1,14})?$" doc:"E.164; empty removes it."`
		Locale                  *string         `json:"locale,omitempty" maxLength:"35"`
		Timezone                *string         `json:"timezone,omitempty" maxLength:"64"`
		CountryCode             *string         `json:"country_code,omitempty" minLength:"2" maxLength:"2"`
		PreferredLanguage       *string         `json:"preferred_language,omitempty" maxLength:"35"`
		NotificationPreferences map[string]bool `json:"notification_preferences,omitempty" doc:"Per-type opt-in/opt-out, merged."`
	} `minProperties:"1"`
}

// ChangePasswordInput changes the caller's password.
type ChangePasswordInput struct {
	Body struct {
		CurrentPassword string `json:"current_password" minLength:"1" maxLength:"128"`
		NewPassword     string `json:"new_password" minLength:"10" maxLength:"128"`
	}
}

// TokenOutput is a fresh token set.
type TokenOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         struct {
		AccessToken  string `json:"access_token"`
		TokenType    string `json:"token_type" example:"Bearer"`
		ExpiresIn    int    `json:"expires_in" example:"900"`
		RefreshToken string `json:"refresh_token"`
	}
}

// SessionBody is one signed-in device.
type SessionBody struct {
	ID         string    `json:"id" format:"uuid"`
	Device     string    `json:"device" doc:"The client's User-Agent when it signed in."`
	IPAddress  string    `json:"ip_address"`
	Current    bool      `json:"current" doc:"Whether this is the session of the calling token."`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// SessionsOutput lists the caller's sessions.
type SessionsOutput struct {
	Body struct {
		Data []SessionBody `json:"data"`
	}
}

// SessionIDInput names a session.
type SessionIDInput struct {
	SessionID string `path:"session_id" format:"uuid"`
}

func registerMe(s *surface.Surface, accounts *account.Service, sessions *session.Service, balances *balance.Service) {
	self := func(perm, scope string) map[string]any { return surface.PermitScoped(perm, scope, surface.UserToken) }
	huma.Register(s.API, huma.Operation{
		OperationID: "get-my-account", Method: http.MethodGet, Path: "/users/me", Tags: []string{"users"},
		Summary: "Get my account", Metadata: self("self:account:read", "profile"),
	}, func(ctx context.Context, _ *struct{}) (*UserOutput, error) {
		p := surface.PrincipalFrom(ctx)
		u, err := accounts.Me(ctx, p.TenantID, p.Subject)
		if err != nil {
			return nil, err
		}
		held, err := balances.Balances(ctx, p.TenantID, p.Subject)
		if err != nil {
			return nil, err
		}
		out := userOutput(s, u)
		// An account's balance holds one currency (gift cards in another are refused while it is
		// not zero); should refunds ever leave several, the first in currency order is shown.
		if len(held) > 0 {
			out.Body.AccountBalance = accountBalanceBody(held[0])
		}
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "update-my-account", Method: http.MethodPatch, Path: "/users/me", Tags: []string{"users"},
		Summary: "Update my account", Metadata: self("self:account:write", "profile"), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *UpdateMeInput) (*UserOutput, error) {
		p := surface.PrincipalFrom(ctx)
		b := in.Body
		u, err := accounts.UpdateMe(ctx, p.TenantID, p.Subject, account.Profile{DisplayName: b.DisplayName, Phone: b.Phone, Locale: b.Locale,
			Timezone: b.Timezone, CountryCode: b.CountryCode, PreferredLanguage: b.PreferredLanguage, NotificationPreferences: b.NotificationPreferences})
		if err != nil {
			return nil, err
		}
		return userOutput(s, u), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "change-password", Method: http.MethodPut, Path: "/users/me/password", Tags: []string{"users"},
		Summary: "Change password",
		Description: "Every other session is revoked at once; the answer is a fresh token set for this session. " +
			"Only the account's own sign-in may change its password: tokens issued to OAuth apps are refused.",
		Metadata: surface.Permit("self:account:write", surface.UserToken), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ChangePasswordInput) (*TokenOutput, error) {
		p := surface.PrincipalFrom(ctx)
		ts, err := accounts.ChangePassword(ctx, p.TenantID, p.Subject, p.SessionID, in.Body.CurrentPassword, in.Body.NewPassword)
		if err != nil {
			return nil, err
		}
		out := &TokenOutput{CacheControl: "no-store"}
		out.Body.AccessToken, out.Body.TokenType, out.Body.ExpiresIn, out.Body.RefreshToken = ts.AccessToken, ts.TokenType, ts.ExpiresIn, ts.RefreshToken
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "list-my-sessions", Method: http.MethodGet, Path: "/users/me/sessions", Tags: []string{"users"},
		Summary: "List my signed-in devices", Metadata: self("self:sessions:read", "devices"),
	}, func(ctx context.Context, _ *struct{}) (*SessionsOutput, error) {
		p := surface.PrincipalFrom(ctx)
		ss, err := sessions.UserSessions(ctx, p.TenantID, p.Subject)
		if err != nil {
			return nil, err
		}
		return sessionsOutput(ss, p.SessionID), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "revoke-my-session", Method: http.MethodDelete, Path: "/users/me/sessions/{session_id}", Tags: []string{"users"},
		Summary: "Sign a device out", Description: "Its refresh token and access tokens stop working at once.",
		DefaultStatus: http.StatusNoContent, Metadata: self("self:sessions:write", "devices"), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *SessionIDInput) (*struct{}, error) {
		p := surface.PrincipalFrom(ctx)
		return nil, sessions.EndUserSession(ctx, p.TenantID, p.Subject, in.SessionID)
	})
}

// sessionsOutput lists sessions, marking the caller's own (current).
func sessionsOutput(ss []session.Session, current string) *SessionsOutput {
	out := &SessionsOutput{}
	out.Body.Data = make([]SessionBody, len(ss))
	for i, se := range ss {
		out.Body.Data[i] = SessionBody{ID: se.ID, Device: se.Device, IPAddress: se.Address, Current: se.ID == current,
			CreatedAt: se.CreatedAt, LastUsedAt: se.LastUsedAt, ExpiresAt: se.ExpiresAt}
	}
	return out
}
