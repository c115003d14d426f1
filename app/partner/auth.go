package partner

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	corepartner "github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/core/staff"
)

// StaffBody is a signed-in staff member.
type StaffBody struct {
	ID        string    `json:"id" format:"uuid"`
	Email     string    `json:"email" format:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role" enum:"owner,admin,viewer"`
	PartnerID string    `json:"partnerId" format:"uuid"`
	ClientID  string    `json:"clientId" format:"uuid" doc:"The white-label client (tenant) the partner belongs to."`
	CreatedAt time.Time `json:"createdAt"`
}

func staffBody(st corepartner.Staff) StaffBody {
	return StaffBody{ID: st.ID, Email: st.Email, Name: st.Name, Role: string(st.Role), PartnerID: st.PartnerID, ClientID: st.TenantID, CreatedAt: st.CreatedAt}
}

// TokensBody is a token set of partner staff.
type TokensBody struct {
	Staff        *StaffBody `json:"staff,omitempty"`
	AccessToken  string     `json:"accessToken" doc:"Partner JWT for Authorization: Bearer."`
	RefreshToken string     `json:"refreshToken" doc:"Single-use; reusing an old one ends the session."`
	ExpiresIn    int        `json:"expiresIn" example:"900"`
	TokenType    string     `json:"tokenType" example:"Bearer"`
}

// TokensOutput answers login and refresh.
type TokensOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         surface.Envelope[TokensBody]
}

func tokensOutput(st *StaffBody, ts session.TokenSet) *TokensOutput {
	return &TokensOutput{CacheControl: "no-store", Body: surface.OK(TokensBody{Staff: st, AccessToken: ts.AccessToken,
		RefreshToken: ts.RefreshToken, ExpiresIn: ts.ExpiresIn, TokenType: ts.TokenType})}
}

// LoginInput signs staff in.
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

// MeBody is the signed-in staff member with their partner and client.
type MeBody struct {
	StaffBody
	Partner struct {
		ID     string `json:"id" format:"uuid"`
		Name   string `json:"name"`
		Status string `json:"status"`
	} `json:"partner"`
	Client struct {
		ID   string `json:"id" format:"uuid"`
		Name string `json:"name"`
		Slug string `json:"slug"`
		// Branding lets the portal wear the client's colours and logo.
		Branding BrandingBody `json:"branding"`
	} `json:"client"`
}

// BrandingBody is how the client's apps and pages look.
type BrandingBody struct {
	DisplayName    string `json:"displayName"`
	PrimaryColor   string `json:"primaryColor,omitempty" example:"#0f766e" doc:"A colour like #1a2b3c; absent when the client set none."`
	SecondaryColor string `json:"secondaryColor,omitempty" example:"#f0fdfa"`
	LogoURL        string `json:"logoUrl,omitempty" doc:"An https URL; absent when the client set none."`
}

// MeOutput is the profile.
type MeOutput struct {
	Body surface.Envelope[MeBody]
}

func registerAuth(s *surface.Surface, signIn *staff.Service) {
	huma.Register(s.API, huma.Operation{
		OperationID: "login-partner-staff", Method: http.MethodPost, Path: "/partner-auth/login", Tags: []string{"auth"},
		Summary: "Sign in as partner staff", Description: "Email and password; no API key needed. Failed sign-ins are counted per account and address, " +
			"and per address: past the budget, 429 TOO_MANY_ATTEMPTS with Retry-After.",
		Metadata: surface.Public(), Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *LoginInput) (*TokensOutput, error) {
		st, ts, err := signIn.Login(ctx, in.Body.Email, in.Body.Password, surface.ClientOf(ctx))
		if err != nil {
			return nil, err
		}
		b := staffBody(st)
		return tokensOutput(&b, ts), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "refresh-partner-staff", Method: http.MethodPost, Path: "/partner-auth/refresh", Tags: []string{"auth"},
		Summary: "Rotate a partner staff refresh token", Metadata: surface.Public(),
		Errors: []int{http.StatusUnauthorized, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *RefreshInput) (*TokensOutput, error) {
		ts, err := signIn.Refresh(ctx, in.Body.RefreshToken)
		if err != nil {
			return nil, err
		}
		return tokensOutput(nil, ts), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-partner-staff-profile", Method: http.MethodGet, Path: "/partner-auth/me", Tags: []string{"auth"},
		Summary:  "The signed-in staff member, their partner and client (with the client's branding, for the portal)",
		Metadata: surface.Permit("partner:profile:read", surface.StaffToken),
	}, func(ctx context.Context, _ *struct{}) (*MeOutput, error) {
		p := surface.PrincipalFrom(ctx)
		prof, err := signIn.Me(ctx, p.TenantID, p.Subject)
		if err != nil {
			return nil, err
		}
		var b MeBody
		b.StaffBody = staffBody(prof.Staff)
		b.Partner.ID, b.Partner.Name, b.Partner.Status = prof.Partner.ID, prof.Partner.Name, string(prof.Partner.Status)
		b.Client.ID, b.Client.Name, b.Client.Slug = p.Tenant.ID, p.Tenant.Name, p.Tenant.Slug
		br := p.Tenant.Branding
		b.Client.Branding = BrandingBody{DisplayName: br.DisplayName, PrimaryColor: br.PrimaryColor, SecondaryColor: br.SecondaryColor, LogoURL: br.LogoURL}
		if b.Client.Branding.DisplayName == "" {
			b.Client.Branding.DisplayName = p.Tenant.Name
		}
		return &MeOutput{Body: surface.OK(b)}, nil
	})
}
