package app

import (
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/stretchr/testify/require"
	"go.uber.org/fx"

	"github.com/stvos/stvos/adapters/csv"
	"github.com/stvos/stvos/app/enterprise"
	"github.com/stvos/stvos/app/mobile"
	"github.com/stvos/stvos/app/partner"
	"github.com/stvos/stvos/app/platform"
	"github.com/stvos/stvos/app/subscriber"
	"github.com/stvos/stvos/app/surface"
)

var update = flag.Bool("update", false, "rewrite the OpenAPI golden files")

// surfaces builds every surface on one mux without backends: registration needs none.
func surfaces(t *testing.T) []*surface.Surface {
	t.Helper()
	mux := http.NewServeMux()
	deps := surface.Deps{Version: Version, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return []*surface.Surface{
		mobile.New(mux, deps, mobile.Services{}), partner.New(mux, deps, partner.Services{Exports: csv.Exports{}}), subscriber.New(mux, deps, subscriber.Services{}),
		enterprise.New(mux, deps, enterprise.Services{}), platform.New(mux, deps, platform.Services{}),
	}
}

// TestOpenAPIGolden fails on any change of a surface's contract that was not announced by
// updating its golden file: go test ./app -run TestOpenAPIGolden -update.
func TestOpenAPIGolden(t *testing.T) {
	for _, s := range surfaces(t) {
		got, err := json.MarshalIndent(s.API.OpenAPI(), "", "  ")
		require.NoError(t, err)
		path := filepath.Join("testdata", "openapi", s.Name+".json")
		if *update {
			require.NoError(t, os.WriteFile(path, append(got, '\n'), 0o644))
			continue
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err, "missing golden file; run with -update")
		var w, g any
		require.NoError(t, json.Unmarshal(want, &w))
		require.NoError(t, json.Unmarshal(got, &g))
		if !reflect.DeepEqual(w, g) {
			out := filepath.Join(t.TempDir(), s.Name+".json")
			require.NoError(t, os.WriteFile(out, got, 0o644))
			t.Errorf("the %s OpenAPI document changed (diff %s %s); if intended, run go test ./app -run TestOpenAPIGolden -update",
				s.Name, path, out)
		}
	}
}

// TestEveryOperationDeclaresAccess fails if any registered operation lacks a permission.
func TestEveryOperationDeclaresAccess(t *testing.T) {
	t.Parallel()
	n := 0
	for _, s := range surfaces(t) {
		for _, item := range s.API.OpenAPI().Paths {
			for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete, item.Head, item.Options} {
				if op == nil {
					continue
				}
				n++
				_, err := surface.AccessOf(op)
				require.NoError(t, err, "surface %s", s.Name)
			}
		}
	}
	require.Positive(t, n)
}

// TestGraphIsValid checks the real application graph: every constructor's inputs are provided.
func TestGraphIsValid(t *testing.T) {
	t.Parallel()
	cfg, err := ParseConfig(Defaults(map[string]string{"STVOS_DATABASE_URL": "postgres://unused", "STVOS_REDIS_URL": "redis://unused"}))
	require.NoError(t, err)
	require.NoError(t, fx.ValidateApp(Options(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))))
}

func TestConfigRefusesBadValues(t *testing.T) {
	t.Parallel()
	_, err := ParseConfig(Defaults(map[string]string{"STVOS_LOG_LEVEL": "loud", "STVOS_RATE_REGISTER": "-3", "STVOS_FAILURES_PER_ACCOUNT": "5", "STVOS_MIGRATE": "maybe"}))
	require.Error(t, err)
	for _, want := range []string{"STVOS_LOG_LEVEL", "STVOS_RATE_REGISTER", "STVOS_FAILURES_PER_ACCOUNT", "STVOS_MIGRATE", "STVOS_DATABASE_URL is required", "STVOS_REDIS_URL is required"} {
		require.Contains(t, err.Error(), want)
	}
}
