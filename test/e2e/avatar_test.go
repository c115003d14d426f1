package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// upload sends a multipart avatar upload.
func upload(t *testing.T, c *client, filename string, data []byte) response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", filename)
	require.NoError(t, err)
	_, err = part.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return c.call("PUT", "/users/me/avatar", body.Bytes(), "Content-Type", w.FormDataContentType())
}

func TestAvatarUpload(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	_, key := onboard(t, op, "pics", nil)
	d := member(t, newClient(t, srv.URL).with("X-API-Key", key), "pic@example.com")
	me := newClient(t, srv.URL).with("Authorization", "Bearer "+d["accessToken"].(string))

	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	var pngData bytes.Buffer
	require.NoError(t, png.Encode(&pngData, img))

	// The name says GIF, the content is PNG: the content decides.
	r := upload(t, me, "me.gif", pngData.Bytes())
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	url := r.str("avatar_url")
	require.True(t, strings.HasPrefix(url, "http://stvos.test/media/avatars/"), url)
	require.Equal(t, url, me.call("GET", "/users/me", nil).str("avatar_url"))

	res, err := http.Get(srv.URL + strings.TrimPrefix(url, "http://stvos.test"))
	require.NoError(t, err)
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "image/png", res.Header.Get("Content-Type"))
	require.Equal(t, pngData.Bytes(), got)

	// A new upload replaces the old file.
	r = upload(t, me, "me.png", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, 100)...))
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.NotEqual(t, url, r.str("avatar_url"))
	res, err = http.Get(srv.URL + strings.TrimPrefix(url, "http://stvos.test"))
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusNotFound, res.StatusCode)

	// Not an image, too large, no file: refused, and the avatar stays.
	d1 := upload(t, me, "me.png", []byte("GIF89a not a png")).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"file"}, fields(d1))
	big := append(append([]byte{}, pngData.Bytes()...), make([]byte, 5<<20)...)
	r = upload(t, me, "big.png", big)
	require.Contains(t, []int{http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity}, r.Status, string(r.Raw))
	r = me.call("PUT", "/users/me/avatar", `{"file":"x"}`)
	require.GreaterOrEqual(t, r.Status, 400)
	require.Less(t, r.Status, 500, string(r.Raw))
	require.NotEqual(t, url, me.call("GET", "/users/me", nil).str("avatar_url"))
}
