// Package arch checks the dependency rule of DESIGN.md: the domain and the ports depend on
// nothing technical.
package arch

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const module = "github.com/stvos/stvos/"

// forbidden are import paths (or their prefixes) core/ and ports/ must never import.
var forbidden = []string{
	"github.com/jackc/pgx", "github.com/redis/go-redis", "github.com/danielgtaylor/huma", "go.uber.org/fx",
	"github.com/casbin/casbin", "net/http", module + "adapters", module + "app", module + "tenants",
}

func TestDependencyRule(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	checked := 0
	for _, dir := range []string{"core", "ports"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			require.NoError(t, err)
			rel, _ := filepath.Rel(root, path)
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				checked++
				for _, bad := range forbidden {
					require.False(t, p == bad || strings.HasPrefix(p, bad+"/"), "%s imports %s", rel, p)
				}
				// Beyond the standard library, only our own core and ports (and, in tests, testify).
				first, _, _ := strings.Cut(p, "/")
				isTest := strings.HasSuffix(path, "_test.go")
				if strings.Contains(first, ".") && !(isTest && strings.HasPrefix(p, "github.com/stretchr/testify/")) {
					require.True(t, strings.HasPrefix(p, module+"core/") || p == module+"ports", "%s imports %s", rel, p)
				}
				if dir == "ports" {
					require.False(t, strings.HasPrefix(p, module+"core"), "%s: ports never import core", rel)
				}
			}
			return nil
		})
		require.NoError(t, err)
	}
	require.Positive(t, checked, "no imports found: is the tree where the test expects it?")
	_, err = os.Stat(filepath.Join(root, "go.mod"))
	require.NoError(t, err)
}
