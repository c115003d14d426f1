package mobile

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/voucher"
	"github.com/stvos/stvos/ports"
)

// ValidateVoucherInput is a code to check.
type ValidateVoucherInput struct {
	Body struct {
		Code        string `json:"code,omitempty" maxLength:"64" doc:"The voucher code as the member typed it (any case)."`
		VoucherCode string `json:"voucherCode,omitempty" maxLength:"64" doc:"The same, under the name registration uses; send one of the two."`
	}
}

// VoucherCheckBody is a usable code.
type VoucherCheckBody struct {
	Valid       bool       `json:"valid" doc:"Always true: an unusable code is answered 422 INVALID_VOUCHER."`
	Code        string     `json:"code" example:"STUDIO-A1B2C3"`
	PartnerName string     `json:"partnerName" doc:"The gym, employer or reseller that gave out the code."`
	ExpiresAt   *time.Time `json:"expiresAt,omitempty" doc:"Register before this time."`
}

// ValidateVoucherOutput answers a validation.
type ValidateVoucherOutput struct {
	Body surface.Envelope[VoucherCheckBody]
}

func registerVouchers(s *surface.Surface, vouchers *voucher.Service) {
	huma.Register(s.API, huma.Operation{
		OperationID: "validate-voucher", Method: http.MethodPost, Path: "/auth/voucher/validate", Tags: []string{"auth"},
		Summary: "Check a voucher code before registering",
		Description: "Answers whether the code can register a member in this client, and whose code it is. Every unusable code " +
			"(unknown, another client's, already redeemed, revoked or expired) gets the same 422 INVALID_VOUCHER, so codes cannot be " +
			"enumerated; wrong codes also count against the address's failure budget (429 TOO_MANY_ATTEMPTS with Retry-After past it).",
		Metadata: surface.Permit("auth:voucher:call", surface.APIKey),
		Errors:   []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ValidateVoucherInput) (*ValidateVoucherOutput, error) {
		code := in.Body.Code
		if code == "" {
			code = in.Body.VoucherCode
		}
		if code == "" {
			return nil, ports.Invalid("code", "is required")
		}
		v, err := vouchers.Validate(ctx, surface.PrincipalFrom(ctx).TenantID, code, surface.ClientOf(ctx).Address)
		if err != nil {
			return nil, err
		}
		return &ValidateVoucherOutput{Body: surface.OK(VoucherCheckBody{Valid: true, Code: v.Code, PartnerName: v.PartnerName, ExpiresAt: v.ExpiresAt})}, nil
	})
}
