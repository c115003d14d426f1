package partner

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/voucher"
	"github.com/stvos/stvos/ports"
)

// VoucherBody is a voucher as the portal shows it.
type VoucherBody struct {
	ID         int64      `json:"id" example:"1"`
	Code       string     `json:"code" example:"STUDIO-A1B2C3"`
	Status     string     `json:"status" enum:"active,redeemed,expired,revoked" doc:"expired: still unused when expiresAt passed."`
	ExpiresAt  *time.Time `json:"expiresAt,omitempty"`
	CreatedAt  time.Time  `json:"createdAt"`
	RedeemedAt *time.Time `json:"redeemedAt,omitempty"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
}

func voucherBody(v voucher.Voucher, now time.Time) VoucherBody {
	return VoucherBody{ID: v.ID, Code: v.Code, Status: v.StatusAt(now), ExpiresAt: v.ExpiresAt, CreatedAt: v.CreatedAt,
		RedeemedAt: v.RedeemedAt, RevokedAt: v.RevokedAt}
}

func voucherBodies(vs []voucher.Voucher, now time.Time) []VoucherBody {
	out := make([]VoucherBody, len(vs))
	for i, v := range vs {
		out[i] = voucherBody(v, now)
	}
	return out
}

// GenerateVouchersInput asks for codes.
type GenerateVouchersInput struct {
	Body struct {
		Quantity  int        `json:"quantity" minimum:"1" maximum:"500" example:"50" doc:"How many codes, 1 to 500."`
		Prefix    string     `json:"prefix,omitempty" maxLength:"12" pattern:"^[A-Za-z0-9]*$" example:"STUDIO" doc:"Up to 12 letters or digits, upper-cased; codes read PREFIX-XXXXXX."`
		ExpiresAt *time.Time `json:"expiresAt,omitempty" doc:"After this time unused codes show as expired and cannot register; at most 5 years ahead."`
	}
}

// VouchersBody holds vouchers.
type VouchersBody struct {
	Vouchers   []VoucherBody       `json:"vouchers"`
	Pagination *surface.Pagination `json:"pagination,omitempty"`
}

// VouchersOutput answers generation and listing.
type VouchersOutput struct {
	Body surface.Envelope[VouchersBody]
}

// ListVouchersInput filters the partner's vouchers.
type ListVouchersInput struct {
	Status string `query:"status" enum:"active,redeemed,expired,revoked" doc:"Only vouchers showing this status."`
	Search string `query:"search" maxLength:"64" doc:"Codes containing this text, any case."`
	surface.PageInput
}

// VoucherIDInput names a voucher.
type VoucherIDInput struct {
	ID int64 `path:"id" minimum:"1" doc:"The voucher's id."`
}

// VoucherOutput is one voucher.
type VoucherOutput struct {
	Body surface.Envelope[struct {
		Voucher VoucherBody `json:"voucher"`
	}]
}

// ExportVouchersInput filters an export.
type ExportVouchersInput struct {
	Status string `query:"status" enum:"active,redeemed,expired,revoked" doc:"Only vouchers showing this status."`
}

// VoucherStatsBody counts the partner's vouchers.
type VoucherStatsBody struct {
	Total          int     `json:"total"`
	Active         int     `json:"active"`
	Redeemed       int     `json:"redeemed"`
	Expired        int     `json:"expired"`
	Revoked        int     `json:"revoked"`
	RedemptionRate float64 `json:"redemptionRate" example:"50.0" doc:"redeemed / total, in percent, one decimal."`
}

// VoucherStatsOutput answers the statistics.
type VoucherStatsOutput struct {
	Body surface.Envelope[VoucherStatsBody]
}

func staffOf(ctx context.Context) voucher.Staff {
	p := surface.PrincipalFrom(ctx)
	return voucher.Staff{TenantID: p.TenantID, PartnerID: p.PartnerID, Actor: p.Actor()}
}

func registerVouchers(s *surface.Surface, vouchers *voucher.Service, exports ports.Exports, clock ports.Clock) {
	both := func(perm string) map[string]any {
		return surface.Permit(perm, surface.APIKey, surface.StaffToken)
	}
	const keyNote = " Needs the partner staff token and the X-API-Key of the same client."
	huma.Register(s.API, huma.Operation{
		OperationID: "generate-vouchers", Method: http.MethodPost, Path: "/partner/vouchers", Tags: []string{"vouchers"},
		Summary: "Generate voucher codes",
		Description: "Makes 1 to 500 codes for the staff member's partner, all or none. Codes are random (6 symbols without look-alike " +
			"characters, from a cryptographic source), unique in the client, optionally prefixed and expiring. Admins and owners." + keyNote,
		DefaultStatus: http.StatusCreated, Metadata: both("partner:vouchers:write"), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *GenerateVouchersInput) (*VouchersOutput, error) {
		vs, err := vouchers.Generate(ctx, staffOf(ctx), voucher.Generation{Quantity: in.Body.Quantity, Prefix: in.Body.Prefix, ExpiresAt: in.Body.ExpiresAt})
		if err != nil {
			return nil, err
		}
		return &VouchersOutput{Body: surface.OK(VouchersBody{Vouchers: voucherBodies(vs, clock.Now())})}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "list-vouchers", Method: http.MethodGet, Path: "/partner/vouchers", Tags: []string{"vouchers"},
		Summary: "List the partner's vouchers", Description: "Newest first, filtered by status and code, page by page." + keyNote,
		Metadata: both("partner:vouchers:read"), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ListVouchersInput) (*VouchersOutput, error) {
		page, limit := in.Pages()
		p, err := vouchers.List(ctx, staffOf(ctx), voucher.Filter{Status: in.Status, Search: in.Search}, page, limit)
		if err != nil {
			return nil, err
		}
		pg := surface.NewPagination(page, limit, p.Total)
		return &VouchersOutput{Body: surface.OK(VouchersBody{Vouchers: voucherBodies(p.Vouchers, clock.Now()), Pagination: &pg})}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-voucher-stats", Method: http.MethodGet, Path: "/partner/vouchers/stats", Tags: []string{"vouchers"},
		Summary: "Count the partner's vouchers by status", Metadata: both("partner:vouchers:read"),
		Description: "Every status as it shows now (an unused code past its expiry counts as expired) and the share redeemed." + keyNote,
	}, func(ctx context.Context, _ *struct{}) (*VoucherStatsOutput, error) {
		st, err := vouchers.Stats(ctx, staffOf(ctx))
		if err != nil {
			return nil, err
		}
		return &VoucherStatsOutput{Body: surface.OK(VoucherStatsBody{Total: st.Total, Active: st.Active, Redeemed: st.Redeemed,
			Expired: st.Expired, Revoked: st.Revoked, RedemptionRate: st.RedemptionRate()})}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "export-vouchers", Method: http.MethodGet, Path: "/partner/vouchers/export", Tags: []string{"vouchers"},
		Summary: "Export the partner's vouchers as CSV",
		Description: "RFC 4180 CSV, newest first, streamed (any number of rows): id, code, status, expiresAt, createdAt, redeemedAt, " +
			"revokedAt. Cells that a spreadsheet would run as a formula are prefixed with an apostrophe." + keyNote,
		Metadata: both("partner:vouchers:read"), Errors: []int{http.StatusUnprocessableEntity},
		Responses: surface.FileResponse(exports.ContentType(), "The vouchers, as a file."),
	}, func(ctx context.Context, in *ExportVouchersInput) (*huma.StreamResponse, error) {
		f := voucher.Filter{Status: in.Status}
		if err := vouchers.CheckExport(f); err != nil {
			return nil, err
		}
		by := staffOf(ctx)
		name := "vouchers-" + clock.Now().Format("2006-01-02") + "." + exports.Extension()
		return s.Download(name, exports.ContentType(), func(ctx context.Context, w io.Writer) error {
			return vouchers.Export(ctx, by, f, exports.Writer(w))
		}), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "revoke-voucher", Method: http.MethodDelete, Path: "/partner/vouchers/{id}", Tags: []string{"vouchers"},
		Summary: "Revoke an active voucher",
		Description: "The code can no longer register. A redeemed code cannot be revoked (409 VOUCHER_REDEEMED: its member keeps " +
			"access), nor an expired one (409 VOUCHER_EXPIRED); revoking a revoked code again answers it unchanged." + keyNote,
		Metadata: both("partner:vouchers:write"), Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, func(ctx context.Context, in *VoucherIDInput) (*VoucherOutput, error) {
		v, err := vouchers.Revoke(ctx, staffOf(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		out := &VoucherOutput{}
		out.Body = surface.OK(out.Body.Data)
		out.Body.Data.Voucher = voucherBody(v, clock.Now())
		return out, nil
	})
}
