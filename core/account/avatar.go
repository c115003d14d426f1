package account

import (
	"bytes"
	"context"
	"strings"

	"github.com/stvos/stvos/ports"
)

// MaxAvatarBytes bounds an avatar image.
const MaxAvatarBytes = 5 << 20

// MediaPrefix starts the path of every stored object served back to clients.
const MediaPrefix = "/media/"

var (
	jpegMagic = []byte{0xFF, 0xD8, 0xFF}
	pngMagic  = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}
)

// imageType tells a JPEG or PNG by its first bytes, whatever the file is called.
func imageType(data []byte) (contentType, ext string, ok bool) {
	switch {
	case bytes.HasPrefix(data, jpegMagic):
		return "image/jpeg", "jpg", true
	case bytes.HasPrefix(data, pngMagic):
		return "image/png", "png", true
	}
	return "", "", false
}

// SetAvatar stores a new avatar image for the user and points avatar_url at it. The image must
// be a JPEG or PNG (by content) of at most 5 MB. The previous image is removed.
func (s *Service) SetAvatar(ctx context.Context, tenantID, userID string, data []byte) (User, error) {
	var v ports.Validation
	v.Check(len(data) > 0, "file", "is required")
	v.Check(len(data) <= MaxAvatarBytes, "file", "must be at most 5 MB")
	ct, ext, ok := imageType(data)
	v.Check(ok || len(data) == 0, "file", "must be a JPEG or PNG image")
	if err := v.Err(); err != nil {
		return User{}, err
	}
	key := "avatars/" + tenantID + "/" + userID + "-" + ports.NewID()[24:] + "." + ext
	if err := s.d.Blobs.Put(ctx, key, ct, data); err != nil {
		return User{}, err
	}
	var (
		u   User
		old string
	)
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		if u, err = s.d.Store.User(ctx, userID); err != nil {
			return err
		}
		old = u.AvatarURL
		u.AvatarURL = MediaPrefix + key
		u.UpdatedAt, u.Version = s.d.Clock.Now(), u.Version+1
		return s.d.Store.SaveUser(ctx, u)
	})
	if err != nil {
		_ = s.d.Blobs.Delete(ctx, key) // the change did not happen: leave no orphan behind
		return User{}, err
	}
	if oldKey, ok := strings.CutPrefix(old, MediaPrefix); ok {
		_ = s.d.Blobs.Delete(ctx, oldKey) // best effort: the new avatar is in place either way
	}
	return u, nil
}

// Media opens a stored object by the path its URL names (after /media/).
func (s *Service) Media(ctx context.Context, key string) (ports.BlobObject, error) {
	r, ct, err := s.d.Blobs.Get(ctx, key)
	if err != nil {
		return ports.BlobObject{}, err
	}
	return ports.BlobObject{Body: r, ContentType: ct}, nil
}
