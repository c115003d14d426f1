package enterprise

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/organization"
	"github.com/stvos/stvos/core/partnertoken"
	"github.com/stvos/stvos/core/sso"
)

// CreateSSOSessionInput asks for a login ticket, as the specification's generateSSOSession.
type CreateSSOSessionInput struct {
	PartnerID string `query:"partner_id" maxLength:"64" doc:"The caller's own partner (optional); another partner's is 403 PARTNER_FORBIDDEN."`
	Body      struct {
		Email           string `json:"email" format:"email" maxLength:"254"`
		FullName        string `json:"full_name" minLength:"1" maxLength:"100"`
		PhoneNumber     string `json:"phone_number" minLength:"3" maxLength:"31" doc:"Digits, spaces, ( ) . - and a leading +."`
		Role            string `json:"role,omitempty" enum:"owner,admin,manager,team_member,custom" doc:"The person's role in the organization named by provider_org_id; team_member when absent."`
		ProviderOrgID   string `json:"provider_org_id,omitempty" maxLength:"200" doc:"The partner's id of the person's organization: when the partner created one with this provider_id, the person joins it with the role."`
		ProviderOrgName string `json:"provider_org_name,omitempty" maxLength:"200"`
	}
}

// SSOSessionBody is a login ticket.
type SSOSessionBody struct {
	SSOLoginToken string `json:"sso_login_token" doc:"Single use, valid 5 minutes: the person's app trades it at POST /sso/exchange with the client's X-API-Key. Only its hash is kept."`
}

// SSOSessionOutput answers generateSSOSession.
type SSOSessionOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         SSOSessionBody
}

// SSOExchangeInput trades a login ticket.
type SSOExchangeInput struct {
	Body struct {
		SSOLoginToken string `json:"sso_login_token" minLength:"1" maxLength:"200"`
	}
}

// SSOUserBody is the signed-in person.
type SSOUserBody struct {
	ID          string     `json:"id" format:"uuid"`
	Email       string     `json:"email" format:"email"`
	DisplayName string     `json:"display_name"`
	Status      string     `json:"status" enum:"active,suspended"`
	Roles       []string   `json:"roles"`
	LastLoginAt *time.Time `json:"last_login_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
}

// SSOExchangeBody is a session of the client's identity service: the same user and token set
// the app surface's POST /auth/login answers, in this surface's snake_case.
type SSOExchangeBody struct {
	User         SSOUserBody `json:"user"`
	AccessToken  string      `json:"access_token" doc:"Signed JWT (RS256) of the client's user; send as Authorization: Bearer with the X-API-Key on the app and subscriber surfaces."`
	RefreshToken string      `json:"refresh_token" doc:"Rotate it at the app surface's POST /auth/refresh; single-use."`
	ExpiresIn    int         `json:"expires_in" example:"900"`
	TokenType    string      `json:"token_type" example:"Bearer"`
}

// SSOExchangeOutput answers the exchange.
type SSOExchangeOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         SSOExchangeBody
}

func registerSSO(s *surface.Surface, svc *sso.Service) {
	huma.Register(s.API, huma.Operation{
		OperationID: "create-sso-session", Method: http.MethodPost, Path: "/sso/sessions", Tags: []string{"sso"},
		Summary: "Generate an SSO login token (generateSSOSession)",
		Description: "The partner vouches for a person of its organization: the answer is a single-use sso_login_token, valid 5 " +
			"minutes, that the person's app trades at POST /sso/exchange for a session in the partner's client.",
		DefaultStatus: http.StatusCreated, Metadata: surface.PermitScoped("enterprise:sso:write", partnertoken.ScopeSSO, surface.EnterpriseToken),
		Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CreateSSOSessionInput) (*SSOSessionOutput, error) {
		if err := surface.OwnPartner(ctx, in.PartnerID); err != nil {
			return nil, err
		}
		p := surface.PrincipalFrom(ctx)
		b := in.Body
		tok, err := svc.Issue(ctx, p.TenantID, p.PartnerID, p.Subject, sso.Person{Email: b.Email, FullName: b.FullName, PhoneNumber: b.PhoneNumber,
			Role: organization.Role(b.Role), ProviderOrgID: b.ProviderOrgID, ProviderOrgName: b.ProviderOrgName})
		if err != nil {
			return nil, err
		}
		return &SSOSessionOutput{CacheControl: "no-store", Body: SSOSessionBody{SSOLoginToken: tok}}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "exchange-sso-token", Method: http.MethodPost, Path: "/sso/exchange", Tags: []string{"sso"},
		Summary: "Trade an sso_login_token for a session",
		Description: "With the client's X-API-Key: signs the person in (the client's user with the ticket's email, created without a " +
			"password when there is none) and answers a session of the identity service. A token used before, expired, or issued " +
			"in another client is 401 INVALID_SSO_TOKEN; failed guesses are throttled per address.",
		Metadata: surface.Permit("auth:sso:call", surface.APIKey),
		Errors:   []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *SSOExchangeInput) (*SSOExchangeOutput, error) {
		u, ts, err := svc.Exchange(ctx, surface.PrincipalFrom(ctx).TenantID, in.Body.SSOLoginToken, surface.ClientOf(ctx))
		if err != nil {
			return nil, err
		}
		return &SSOExchangeOutput{CacheControl: "no-store", Body: SSOExchangeBody{User: ssoUserBody(u), AccessToken: ts.AccessToken,
			RefreshToken: ts.RefreshToken, ExpiresIn: ts.ExpiresIn, TokenType: ts.TokenType}}, nil
	})
}

func ssoUserBody(u account.User) SSOUserBody {
	return SSOUserBody{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Status: string(u.Status), Roles: u.Roles,
		LastLoginAt: u.LastLoginAt, CreatedAt: u.CreatedAt}
}
