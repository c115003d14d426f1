// Package fs implements ports.BlobStore on a local folder: one file per object, written to a
// temporary file and renamed into place so a reader never sees half an object, with the content
// type kept beside it.
package fs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.uber.org/fx"

	"github.com/stvos/stvos/ports"
)

// Store implements ports.BlobStore.
type Store struct {
	root string
}

var _ ports.BlobStore = (*Store)(nil)

// New returns a store under root, creating it.
func New(root string) (*Store, error) {
	if err := os.MkdirAll(root, 0o750); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return &Store{root: root}, nil
}

// Config names the folder.
type Config struct{ Dir string }

// Module provides the store as ports.BlobStore.
var Module = fx.Module("blob-fs",
	fx.Provide(fx.Annotate(func(c Config) (*Store, error) { return New(c.Dir) }, fx.As(new(ports.BlobStore)))),
)

var keyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)+$`)

func (s *Store) path(key string) (string, error) {
	if !keyPattern.MatchString(key) || strings.Contains(key, "..") || len(key) > 512 {
		return "", ports.Invalid("key", "is not a valid object key")
	}
	return filepath.Join(s.root, filepath.FromSlash(key)), nil
}

// Put writes the object.
func (s *Store) Put(_ context.Context, key, contentType string, data []byte) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	tmp := p + ".tmp-" + hex.EncodeToString(suffix[:])
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	if err := os.WriteFile(p+".type", []byte(contentType), 0o640); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("blob: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}

// Get opens the object.
func (s *Store) Get(_ context.Context, key string) (io.ReadCloser, string, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, "", err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", ports.NotFound("object")
	}
	if err != nil {
		return nil, "", fmt.Errorf("blob: %w", err)
	}
	ct, err := os.ReadFile(p + ".type")
	if err != nil {
		ct = []byte("application/octet-stream")
	}
	return f, string(ct), nil
}

// Delete removes the object.
func (s *Store) Delete(_ context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); errors.Is(err, fs.ErrNotExist) {
		return ports.NotFound("object")
	} else if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	_ = os.Remove(p + ".type")
	return nil
}
