// Package arch checks the dependency rule of DESIGN.md: the domain and the ports depend on
// nothing technical, tenant resolution on no adapter or surface, and adapters on no surface.
package arch

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const module = "github.com/stvos/stvos/"

// technical are import paths (or their prefixes) core/ and ports/ must never import.
var technical = []string{
	"github.com/jackc/pgx", "github.com/redis/go-redis", "github.com/danielgtaylor/huma", "go.uber.org/fx",
	"github.com/casbin/casbin", "net/http", module + "adapters", module + "app", module + "tenants",
}

// violation says why a file of the layer (its top-level folder) may not import p, or "" when it
// may.
func violation(layer, p string, test bool) string {
	has := func(prefix string) bool { return p == prefix || strings.HasPrefix(p, prefix+"/") }
	switch layer {
	case "core", "ports":
		for _, bad := range technical {
			if has(bad) {
				return layer + " imports nothing technical"
			}
		}
		if layer == "ports" && has(module+"core") {
			return "ports never import core"
		}
		// Beyond the standard library, only our own core and ports (and, in tests, testify).
		first, _, _ := strings.Cut(p, "/")
		if strings.Contains(first, ".") && !(test && has("github.com/stretchr/testify")) &&
			!has(module+"core") && p != module+"ports" {
			return layer + " imports only the standard library, core and ports"
		}
	case "tenants":
		if has(module+"app") || has(module+"adapters") {
			return "tenants imports no adapter and no surface"
		}
	case "adapters":
		if has(module + "app") {
			return "adapters import no surface"
		}
	}
	return ""
}

func TestTheRuleRefusesWhatItShould(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		layer, path string
		test, ok    bool
	}{
		{"core", "context", false, true},
		{"core", module + "ports", false, true},
		{"core", module + "core/tenant", false, true},
		{"core", "github.com/stretchr/testify/require", true, true},
		{"core", "github.com/stretchr/testify/require", false, false},
		{"core", "github.com/jackc/pgx/v5", false, false},
		{"core", "net/http", false, false},
		{"core", module + "adapters/postgres", false, false},
		{"core", module + "tenants", false, false},
		{"core", "github.com/google/uuid", false, false},
		{"ports", module + "core/tenant", false, false},
		{"ports", "go.uber.org/fx", false, false},
		{"tenants", module + "core/tenant", false, true},
		{"tenants", "github.com/hashicorp/golang-lru/v2", false, true},
		{"tenants", module + "adapters/redis", false, false},
		{"tenants", module + "app/surface", false, false},
		{"adapters", module + "core/account", false, true},
		{"adapters", "github.com/jackc/pgx/v5", false, true},
		{"adapters", module + "app", false, false},
		{"adapters", module + "app/surface", false, false},
		{"app", module + "adapters/postgres", false, true},
	} {
		require.Equal(t, c.ok, violation(c.layer, c.path, c.test) == "", "%s importing %s (test %v)", c.layer, c.path, c.test)
	}
}

func TestDependencyRule(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(root, "go.mod"))
	require.NoError(t, err)
	checked := map[string]int{}
	for _, layer := range []string{"core", "ports", "tenants", "adapters"} {
		err := filepath.WalkDir(filepath.Join(root, layer), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			require.NoError(t, err)
			rel, _ := filepath.Rel(root, path)
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				checked[layer]++
				why := violation(layer, p, strings.HasSuffix(path, "_test.go"))
				require.Empty(t, why, "%s imports %s", rel, p)
			}
			return nil
		})
		require.NoError(t, err)
		require.Positive(t, checked[layer], "no imports found under %s: is the tree where the test expects it?", layer)
	}
}

// TestServeLinksNoTestcontainers checks that the binary, built as `make build` builds it, does
// not link testcontainers or the Docker client: only tests and `-tags docker` builds need them.
func TestServeLinksNoTestcontainers(t *testing.T) {
	t.Parallel()
	deps := func(tags ...string) string {
		args := append([]string{"list", "-deps"}, tags...)
		out, err := exec.Command("go", append(args, module+"cmd/stvos")...).CombinedOutput()
		require.NoError(t, err, string(out))
		return string(out)
	}
	for _, p := range strings.Fields(deps()) {
		require.False(t, strings.HasPrefix(p, "github.com/testcontainers/") || strings.HasPrefix(p, "github.com/moby/") ||
			strings.HasPrefix(p, "github.com/docker/"), "cmd/stvos links %s", p)
	}
	require.Contains(t, deps("-tags", "docker"), "github.com/testcontainers/testcontainers-go\n",
		"with -tags docker, stvos dev can run containers")
}
