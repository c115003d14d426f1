package fs_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/blob/fs"
	"github.com/stvos/stvos/test/contract"
)

func TestBlobStoreContract(t *testing.T) {
	t.Parallel()
	s, err := fs.New(t.TempDir())
	require.NoError(t, err)
	contract.BlobStore(t, s)
}
