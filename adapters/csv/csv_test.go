package csv

import (
	"bytes"
	"encoding/csv"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRFC4180AndFormulaNeutralising(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := Exports{}.Writer(&buf)
	require.NoError(t, w.Row("code", "note"))
	require.NoError(t, w.Row("A,B", `say "hi"`))
	require.NoError(t, w.Row("=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)", "\tx", "plain-text", "a=b"))
	require.NoError(t, w.Row("multi\nline", ""))
	require.NoError(t, w.Flush())
	require.Equal(t, "code,note\r\n"+
		"\"A,B\",\"say \"\"hi\"\"\"\r\n"+
		"\"'=HYPERLINK(\"\"http://evil\"\")\",'+1,'-2,'@SUM(A1),'\tx,plain-text,a=b\r\n"+
		"\"multi\r\nline\",\r\n", buf.String())
	r := csv.NewReader(&buf)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"A,B", `say "hi"`}, recs[1], "a reader gets the cells back")
	require.Equal(t, "multi\nline", recs[3][0])
}

// TestConstantMemory writes a million rows to a discarding sink and checks the heap does not grow
// with them.
func TestConstantMemory(t *testing.T) {
	w := Exports{}.Writer(discard{})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 1_000_000 {
		require.NoError(t, w.Row("STUDIO-A1B2C3", "active", "2026-12-31T23:59:59Z", "=x", string(rune('a'+i%26))))
	}
	require.NoError(t, w.Flush())
	runtime.GC()
	runtime.ReadMemStats(&after)
	require.Less(t, int64(after.HeapInuse)-int64(before.HeapInuse), int64(4<<20), "heap grew with the rows")
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
