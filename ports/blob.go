package ports

import (
	"context"
	"io"
)

// BlobStore keeps binary objects (avatars, exports) under slash-separated keys such as
// "avatars/<tenant>/<name>.png". Put replaces an object atomically: readers see the old or the new
// one, never a part. Get and Delete report ErrNotFound for a missing key; a malformed key is
// ErrInvalid.
type BlobStore interface {
	Put(ctx context.Context, key, contentType string, data []byte) error
	Get(ctx context.Context, key string) (r io.ReadCloser, contentType string, err error)
	Delete(ctx context.Context, key string) error
}

// BlobObject is an opened object.
type BlobObject struct {
	Body        io.ReadCloser
	ContentType string
}
