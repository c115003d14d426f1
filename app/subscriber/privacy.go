package subscriber

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/privacy"
)

// ExportDownloadPrefix is where the signed download links of export archives point:
// <prefix>/{tenant_id}/{export_id}/archive?expires=...&signature=....
const ExportDownloadPrefix = "/privacy/exports"

// ExportBody is a data export as the specification shows it.
type ExportBody struct {
	ID     string `json:"id" format:"uuid"`
	Status string `json:"status" enum:"pending,processing,ready,failed,expired" doc:"pending: queued; processing: being built; ready: download_url works until expires_at; failed: it could not be built (ask again); expired: the link's 24 hours are over and the archive is deleted (ask again)."`
	// DownloadURL is set while the export is ready.
	DownloadURL *string   `json:"download_url" nullable:"true" format:"uri" doc:"While ready: a signed link to the ZIP archive (one JSON file per kind of data, and manifest.json), valid 24 hours. It needs no bearer token: treat it as a secret. Null otherwise."`
	RequestedAt time.Time `json:"requested_at"`
	// ExpiresAt is set once the archive is ready.
	ExpiresAt *time.Time `json:"expires_at" nullable:"true" doc:"When the download link stops working: 24 hours after the archive was ready. Null before."`
}

// ExportOutput is one export.
type ExportOutput struct {
	Body ExportBody
}

func exportOutput(svc *privacy.Service, e privacy.Export) *ExportOutput {
	b := ExportBody{ID: e.ID, Status: e.StatusAt(svc.Now()), RequestedAt: e.RequestedAt, ExpiresAt: e.ExpiresAt}
	if u := svc.DownloadURL(e); u != "" {
		b.DownloadURL = &u
	}
	return &ExportOutput{Body: b}
}

// ArchiveInput is a signed download link.
type ArchiveInput struct {
	TenantID  string `path:"tenant_id" format:"uuid"`
	ExportID  string `path:"export_id" format:"uuid"`
	Expires   int64  `query:"expires" required:"true" minimum:"0" doc:"When the link stops working, in Unix seconds, as signed."`
	Signature string `query:"signature" required:"true" minLength:"1" maxLength:"64" doc:"The link's signature."`
}

// DeletionInput is the specification's Request Account Deletion body.
type DeletionInput struct {
	Body struct {
		Password string `json:"password" minLength:"1" maxLength:"128" doc:"The account's current password, confirming the deletion."`
		Reason   string `json:"reason,omitempty" maxLength:"500"`
	}
}

// DeletionBody is a deletion request as the specification shows it.
type DeletionBody struct {
	ID                  string    `json:"id" format:"uuid"`
	Status              string    `json:"status" enum:"pending" doc:"pending: the account is erased at scheduled_deletion_at unless the request is canceled before (DELETE /users/me/deletion-request)."`
	ScheduledDeletionAt time.Time `json:"scheduled_deletion_at" doc:"When the account and its personal data are erased: 30 days after the request."`
	RequestedAt         time.Time `json:"requested_at"`
}

// DeletionOutput is a deletion request.
type DeletionOutput struct {
	Body DeletionBody
}

// goneError answers 410 Gone in the flat error body (no error kind of the core maps to it).
type goneError struct{ body surface.FlatError }

func (e *goneError) Error() string                { return e.body.Code + ": " + e.body.Message }
func (e *goneError) GetStatus() int               { return http.StatusGone }
func (e *goneError) MarshalJSON() ([]byte, error) { return json.Marshal(e.body) }

const deletionDoc = " The password confirms it: a wrong one is 403 INVALID_PASSWORD naming password (and counts as a failed " +
	"sign-in). The account's subscription ends at once (no refund), every other session is signed out, and an email " +
	"confirms the date. The account and its personal data are erased 30 days later, unless the request is canceled " +
	"meanwhile (DELETE /users/me/deletion-request); invoices are kept, as the law requires, with the customer's name " +
	"replaced by \"Deleted user\" and the email removed. A second request while one is pending is 409 DELETION_ALREADY_REQUESTED. " +
	"Only the account's own sign-in may ask: tokens issued to OAuth apps are refused."

func registerPrivacy(s *surface.Surface, svc *privacy.Service) {
	read := surface.Permit("self:privacy:read", surface.UserToken)
	write := func() map[string]any { return surface.Permit("self:privacy:write", surface.UserToken) }
	huma.Register(s.API, huma.Operation{
		OperationID: "get-data-export", Method: http.MethodGet, Path: "/privacy/export", Tags: []string{"privacy"},
		Summary:     "Get data export status (GDPR Art. 20)",
		Description: "The account's latest export. When ready, download_url is a signed link valid 24 hours. 404 EXPORT_NOT_FOUND when none was asked for.",
		Metadata:    read, Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, _ *struct{}) (*ExportOutput, error) {
		p := surface.PrincipalFrom(ctx)
		e, err := svc.LatestExport(ctx, p.TenantID, p.Subject)
		if err != nil {
			return nil, err
		}
		return exportOutput(svc, e), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "request-data-export", Method: http.MethodPost, Path: "/privacy/export", Tags: []string{"privacy"},
		Summary: "Request personal data export (GDPR Art. 20)",
		Description: "Queues an export of everything the account holds: account, subscriptions, invoices with their lines, payment " +
			"methods (brand, last four digits, expiry), balance, viewing history, signed-in devices, audit records about it, " +
			"coupons and gift cards redeemed, partner membership and these privacy requests, as JSON files in a ZIP archive. " +
			"Poll GET /privacy/export; when it is ready a download link is also emailed. One pending export per account at a " +
			"time: another request while one is pending or processing is 409 EXPORT_IN_PROGRESS (the existing one is what GET shows).",
		DefaultStatus: http.StatusAccepted, Metadata: write(), Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, _ *struct{}) (*ExportOutput, error) {
		p := surface.PrincipalFrom(ctx)
		e, err := svc.RequestExport(ctx, p.TenantID, p.Actor(), p.Subject)
		if err != nil {
			return nil, err
		}
		return exportOutput(svc, e), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "download-data-export", Method: http.MethodGet, Path: ExportDownloadPrefix + "/{tenant_id}/{export_id}/archive",
		Tags: []string{"privacy"}, Summary: "Download a data export",
		Description: "The target of download_url (not in the specification). The link is the credential: no bearer token is needed, " +
			"and the signature (HMAC-SHA256 under the server's secret over the client, the export and the time) covers every " +
			"part of it. An altered link is 403 INVALID_SIGNATURE; a link past its 24 hours, or whose archive was purged or " +
			"whose account was erased, is 410 LINK_EXPIRED.",
		Metadata: surface.Public(), Errors: []int{http.StatusForbidden, http.StatusGone},
		Responses: surface.FileResponse(privacy.ArchiveType, "The ZIP archive of the account's data."),
	}, func(ctx context.Context, in *ArchiveInput) (*huma.StreamResponse, error) {
		obj, err := svc.OpenArchive(ctx, in.TenantID, in.ExportID, in.Expires, in.Signature)
		if errors.Is(err, privacy.ErrLinkExpired) {
			return nil, &goneError{surface.FlatError{Code: privacy.ErrLinkExpired.Code, Message: privacy.ErrLinkExpired.Message,
				RequestID: surface.RequestID(ctx)}}
		}
		if err != nil {
			return nil, err
		}
		return s.Download("data-export-"+in.ExportID+".zip", privacy.ArchiveType, func(_ context.Context, w io.Writer) error {
			defer obj.Body.Close()
			_, err := io.Copy(w, obj.Body)
			return err
		}), nil
	})
	deletion := func(ctx context.Context, in *DeletionInput) (*DeletionOutput, error) {
		p := surface.PrincipalFrom(ctx)
		d, err := svc.RequestDeletion(ctx, p.TenantID, p.Actor(), p.Subject, privacy.DeletionRequest{Password: in.Body.Password,
			Reason: in.Body.Reason, SessionID: p.SessionID, Address: surface.ClientOf(ctx).Address})
		if err != nil {
			return nil, err
		}
		return &DeletionOutput{Body: DeletionBody{ID: d.ID, Status: d.Status, ScheduledDeletionAt: d.ScheduledAt, RequestedAt: d.RequestedAt}}, nil
	}
	errs := []int{http.StatusConflict, http.StatusUnprocessableEntity}
	huma.Register(s.API, huma.Operation{
		OperationID: "request-gdpr-deletion", Method: http.MethodPost, Path: "/privacy/deletion-request", Tags: []string{"privacy"},
		Summary:       "Request account deletion (GDPR Art. 17)",
		Description:   "Schedules the account's erasure, as DELETE /users/me does." + deletionDoc,
		DefaultStatus: http.StatusAccepted, Metadata: write(), Errors: errs,
	}, deletion)
	huma.Register(s.API, huma.Operation{
		OperationID: "request-account-deletion", Method: http.MethodDelete, Path: "/users/me", Tags: []string{"users"},
		Summary:       "Request account deletion",
		Description:   "Schedules the account's erasure, as POST /privacy/deletion-request does, with the same body." + deletionDoc,
		DefaultStatus: http.StatusAccepted, Metadata: write(), Errors: errs,
	}, deletion)
	huma.Register(s.API, huma.Operation{
		OperationID: "cancel-account-deletion", Method: http.MethodDelete, Path: "/users/me/deletion-request", Tags: []string{"users"},
		Summary: "Cancel pending account deletion",
		Description: "Withdraws the account's pending deletion during its 30-day grace period (audit-logged). A subscription the " +
			"request ended stays ended: subscribe again to watch. 404 DELETION_REQUEST_NOT_FOUND when none is pending; 409 " +
			"DELETION_UNDERWAY once the grace period is over.",
		DefaultStatus: http.StatusNoContent, Metadata: write(), Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, func(ctx context.Context, _ *struct{}) (*struct{}, error) {
		p := surface.PrincipalFrom(ctx)
		_, err := svc.CancelDeletion(ctx, p.TenantID, p.Actor(), p.Subject)
		return nil, err
	})
}
