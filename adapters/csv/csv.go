// Package csv writes export tables as CSV (RFC 4180: CRLF line ends, fields with commas, quotes
// or line breaks quoted, quotes doubled), streamed through a small buffer. Cells that a
// spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return) are
// neutralised with a leading apostrophe, the OWASP defence against CSV injection: exports carry
// text partners' members typed in.
package csv

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/stvos/stvos/ports"
)

// Exports is the CSV format.
type Exports struct{}

var _ ports.Exports = Exports{}

// ContentType is text/csv with its charset.
func (Exports) ContentType() string { return "text/csv; charset=utf-8" }

// Extension is csv.
func (Exports) Extension() string { return "csv" }

// Writer starts a CSV table on w.
func (Exports) Writer(w io.Writer) ports.TableWriter {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &writer{w: cw}
}

type writer struct {
	w   *csv.Writer
	row []string
}

// Row writes one record, neutralising formula cells.
func (t *writer) Row(cells ...string) error {
	t.row = t.row[:0]
	for _, c := range cells {
		t.row = append(t.row, Neutralise(c))
	}
	return t.w.Write(t.row)
}

// Flush writes what is buffered.
func (t *writer) Flush() error {
	t.w.Flush()
	return t.w.Error()
}

// Neutralise prefixes a cell a spreadsheet would evaluate with an apostrophe.
func Neutralise(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
