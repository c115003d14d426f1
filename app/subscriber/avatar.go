package subscriber

import (
	"context"
	"io"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/ports"
)

// AvatarForm is the multipart form of an avatar upload.
type AvatarForm struct {
	File huma.FormFile `form:"file" required:"true" doc:"JPEG or PNG, at most 5 MB; the type is checked by content, not by name."`
}

// AvatarInput uploads an avatar.
type AvatarInput struct {
	RawBody huma.MultipartFormFiles[AvatarForm]
}

// MediaInput names a stored avatar.
type MediaInput struct {
	TenantID string `path:"tenant_id" format:"uuid"`
	File     string `path:"file" maxLength:"128" pattern:"^[A-Za-z0-9][A-Za-z0-9_.-]*$"`
}

// MediaOutput is the stored file.
type MediaOutput struct {
	ContentType  string `header:"Content-Type"`
	CacheControl string `header:"Cache-Control"`
	Body         []byte
}

func registerAvatar(s *surface.Surface, accounts *account.Service) {
	huma.Register(s.API, huma.Operation{
		OperationID: "update-my-avatar", Method: http.MethodPut, Path: "/users/me/avatar", Tags: []string{"users"},
		Summary: "Update my avatar", Description: "multipart/form-data with one part, file: a JPEG or PNG of at most 5 MB.",
		MaxBodyBytes: account.MaxAvatarBytes + 64<<10, Metadata: surface.PermitScoped("self:account:write", "profile", surface.UserToken),
		Errors: []int{http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *AvatarInput) (*UserOutput, error) {
		f := in.RawBody.Data().File
		if !f.IsSet {
			return nil, ports.Invalid("file", "is required")
		}
		data, err := io.ReadAll(io.LimitReader(f, account.MaxAvatarBytes+1))
		if err != nil {
			return nil, err
		}
		p := surface.PrincipalFrom(ctx)
		u, err := accounts.SetAvatar(ctx, p.TenantID, p.Subject, data)
		if err != nil {
			return nil, err
		}
		return userOutput(s, u), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-avatar", Method: http.MethodGet, Path: "/media/avatars/{tenant_id}/{file}", Tags: []string{"users"},
		Summary: "An avatar image", Description: "Public, like an avatar on a CDN: the name is unguessable and changes with every upload.",
		Metadata: surface.Public(), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *MediaInput) (*MediaOutput, error) {
		obj, err := accounts.Media(ctx, "avatars/"+in.TenantID+"/"+in.File)
		if err != nil {
			return nil, err
		}
		defer obj.Body.Close()
		b, err := io.ReadAll(io.LimitReader(obj.Body, account.MaxAvatarBytes+1))
		if err != nil {
			return nil, err
		}
		return &MediaOutput{ContentType: obj.ContentType, CacheControl: "public, max-age=31536000, immutable", Body: b}, nil
	})
}
