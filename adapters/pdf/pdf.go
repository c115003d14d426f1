// Package pdf implements ports.Documents with fpdf (codeberg.org/go-pdf/fpdf), the maintained
// continuation of gofpdf (its GitHub home is archived): pure Go, no cgo, and it embeds TrueType
// fonts as subsets holding only the glyphs a document uses, so a one-page invoice is about 40 KB
// although the fonts are not small.
//
// Text is set in DejaVu Sans (regular and bold, version 2.37 as Debian's fonts-dejavu-core ships
// it, unmodified), embedded in the binary with go:embed so rendering reads no file of the machine
// it runs on. Its licence (the Bitstream Vera licence, the Arev fonts' for glyphs taken from them;
// DejaVu's own changes are public domain) allows redistributing the unmodified fonts inside other
// software as long as the notice travels with them: it is fonts/LICENSE beside them. The two
// fonts add about 1.4 MB to the binary; bold is what makes the totals and headings read as an
// invoice, and synthetic bold from the regular face looks smudged.
//
// DejaVu Sans covers Latin (all of Europe's accents: "Zoë Müller", "Łódź"), Greek and Cyrillic,
// and the currency signs. It has no Chinese, Japanese or Korean ideographs: "東京" renders
// without error and stays in the text layer (copying from the PDF or pdftotext returns it), but
// shows as missing-glyph boxes on the page; a CJK font is 10–20 MB, too much for every binary. fpdf
// does no bidirectional reordering or Arabic joining, so Hebrew and Arabic names print in
// logical order with unjoined letters. Invalid UTF-8, control characters and runes outside the
// Basic Multilingual Plane (emoji) are replaced before fpdf sees them, as fpdf can panic on the
// latter.
//
// Output is deterministic: the PDF's creation and modification dates are the invoice's issue
// date and fpdf's catalogues are sorted, so rendering one invoice twice gives the same bytes.
package pdf

import (
	"context"
	_ "embed"
	"errors"
	"fmt"

	"go.uber.org/fx"

	"github.com/stvos/stvos/ports"
)

var (
	//go:embed fonts/DejaVuSans.ttf
	dejaVuSans []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	dejaVuSansBold []byte
)

// Renderer renders invoices as PDF. It holds no state between calls and is safe for concurrent
// use: every document gets its own fpdf instance.
type Renderer struct{}

var _ ports.Documents = (*Renderer)(nil)

// New returns the renderer.
func New() *Renderer { return &Renderer{} }

// Module provides the renderer as ports.Documents.
var Module = fx.Module("pdf",
	fx.Provide(fx.Annotate(New, fx.As(new(ports.Documents)))),
)

// InvoicePDF renders the invoice on A4 pages. A library panic (fpdf has a few on unusual input)
// becomes an error, so one odd invoice cannot take a worker down.
func (r *Renderer) InvoicePDF(ctx context.Context, d ports.InvoiceDocument) (out []byte, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("pdf: render invoice %q: %v", d.Number, p)
		}
	}()
	// "Page 1 of N" needs N before the first page is written. The pagination does not depend on
	// that number, so a render assuming one page is right for the usual one-page invoice; a
	// longer one is rendered again with its count.
	out, pages, err := renderInvoice(d, 1)
	if err == nil && pages > 1 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out, _, err = renderInvoice(d, pages)
	}
	if err != nil {
		return nil, fmt.Errorf("pdf: render invoice %q: %w", d.Number, err)
	}
	return out, nil
}

// errNoOutput guards against fpdf writing nothing without reporting an error.
var errNoOutput = errors.New("empty document")
