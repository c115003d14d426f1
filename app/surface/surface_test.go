package surface

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/stretchr/testify/require"
)

func TestFieldNames(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		d    huma.ErrorDetail
		want string
	}{
		{huma.ErrorDetail{Location: "body.branding.primary_color", Message: "bad"}, "branding.primary_color"},
		{huma.ErrorDetail{Location: "body", Message: "expected required property slug to be present"}, "slug"},
		{huma.ErrorDetail{Location: "body.branding", Message: "expected required property logo_url to be present"}, "branding.logo_url"},
		{huma.ErrorDetail{Location: "query.limit", Message: "too big"}, "query.limit"},
		{huma.ErrorDetail{Location: "path.tenant_id", Message: "bad uuid"}, "path.tenant_id"},
	} {
		require.Equal(t, c.want, fieldOf(&c.d))
	}
}

func TestRequestIDs(t *testing.T) {
	t.Parallel()
	require.Equal(t, "abc-123", sanitizeID("abc-123"))
	require.Empty(t, sanitizeID(strings.Repeat("a", 129)))
	require.Empty(t, sanitizeID("has space"))
	require.Empty(t, sanitizeID("line\nbreak"))
}

func TestIfMatch(t *testing.T) {
	t.Parallel()
	for h, want := range map[string]int{"": 0, `"7"`: 7, `W/"12"`: 12} {
		v, err := IfMatchVersion(h)
		require.NoError(t, err)
		require.Equal(t, want, v)
	}
	for _, bad := range []string{`"x"`, `"0"`, `"-1"`, "*"} {
		_, err := IfMatchVersion(bad)
		require.Error(t, err, bad)
	}
	require.Equal(t, `"3"`, ETag(3))
}

// Two surfaces built at once in one process whose operations share one metadata map and one
// errors slice (a package's access rule): each operation keeps its own surface and the caller's
// values stay as they were. (The slice is full: huma itself appends to an operation's errors.)
func TestOperationsSharingMetadataKeepTheirOwnSurface(t *testing.T) {
	t.Parallel()
	shared := Permit("self:things:read", UserToken)
	errs := []int{http.StatusNotFound}
	var wg sync.WaitGroup
	surfaces := make([]*Surface, 4)
	for i := range surfaces {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := New(http.NewServeMux(), Spec{Name: "things" + strconv.Itoa(i), Title: "Things"}, Deps{})
			for _, path := range []string{"/a", "/b"} {
				huma.Register(s.API, huma.Operation{OperationID: "get" + path[1:], Method: http.MethodGet, Path: path,
					Metadata: shared, Errors: errs}, func(context.Context, *struct{}) (*struct{}, error) { return nil, nil })
			}
			surfaces[i] = s
		}()
	}
	wg.Wait()
	for _, s := range surfaces {
		for _, path := range []string{"/a", "/b"} {
			op := s.API.OpenAPI().Paths[path].Get
			require.Same(t, s, op.Metadata[surfaceKey])
			require.Contains(t, op.Errors, http.StatusUnauthorized, "the guard's errors are documented")
		}
	}
	require.NotContains(t, shared, surfaceKey, "the shared map is not written")
	require.Equal(t, []int{http.StatusNotFound}, errs)
}
