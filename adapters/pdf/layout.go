package pdf

import (
	"bytes"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/stvos/stvos/ports"
)

// The page, in millimetres (A4 portrait).
const (
	pageW      = 210.0
	pageH      = 297.0
	marginX    = 18.0
	contentW   = pageW - 2*marginX
	bodyTop    = 16.0
	bodyBottom = pageH - 24 // content stops here; the footer sits below
	footerY    = pageH - 16
	// continuedTop is where content starts on pages after the first, under their short header.
	continuedTop = bodyTop + 10
	family       = "DejaVu"
	ptToMM       = 25.4 / 72
)

// The table's columns, in millimetres; together they span contentW.
const (
	colDescW   = 96.0
	colQtyW    = 14.0
	colUnitW   = 32.0
	colAmountW = contentW - colDescW - colQtyW - colUnitW
	cellPad    = 2.5 // horizontal padding inside table cells
	rowPadY    = 2.6 // vertical padding inside table rows
)

// doc is one rendering of one invoice.
type doc struct {
	f        *fpdf.Fpdf
	d        ports.InvoiceDocument
	pal      palette
	pages    int // the total printed in the footer
	seller   string
	number   string
	currency string
	y        float64 // where the next block starts
	tableTop float64 // y just under the table header on the current page
}

// renderInvoice lays the invoice out, with pages as the page count printed in the footers, and
// returns the PDF and how many pages it really has.
func renderInvoice(d ports.InvoiceDocument, pages int) ([]byte, int, error) {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCatalogSort(true)
	if !d.IssuedAt.IsZero() {
		f.SetCreationDate(d.IssuedAt)
		f.SetModificationDate(d.IssuedAt)
	}
	f.AddUTF8FontFromBytes(family, "", dejaVuSans)
	f.AddUTF8FontFromBytes(family, "B", dejaVuSansBold)
	f.SetMargins(marginX, bodyTop, marginX)
	// Page breaks are ours: a table row never splits and the header is repeated.
	f.SetAutoPageBreak(false, pageH-bodyBottom)
	f.SetCellMargin(0)

	p := &doc{
		f:        f,
		d:        d,
		pal:      brandPalette(d.BrandColor),
		pages:    pages,
		seller:   clean(d.SellerName, false),
		number:   clean(d.Number, false),
		currency: clean(d.Currency, false),
	}
	f.SetTitle(strings.TrimSpace("Invoice "+p.number), true)
	f.SetAuthor(p.seller, true)
	f.SetCreator("stvos", true)
	f.SetFooterFunc(p.footer)

	p.firstPage()
	p.table()
	p.totals()

	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, 0, err
	}
	if buf.Len() == 0 {
		return nil, 0, errNoOutput
	}
	return buf.Bytes(), f.PageNo(), nil
}

// firstPage writes the accent bar, the seller and title, the status mark, the billed-to block
// and the invoice's dates.
func (p *doc) firstPage() {
	f := p.f
	f.AddPage()
	p.accentBar()

	// Right: the title, and the status mark under it.
	right := marginX + contentW
	p.font(true, 22)
	p.textColor(colorText)
	titleW := f.GetStringWidth("Invoice")
	p.cell(right-titleW, bodyTop, titleW, 10, "Invoice", "R")
	rightBottom := bodyTop + 10
	markW := 0.0
	if word, c := statusMark(p.d.Status); word != "" {
		p.font(true, 10)
		markW = f.GetStringWidth(word) + 9
		x, y, h := right-markW, bodyTop+12, 7.5
		f.SetLineWidth(0.5)
		p.drawColor(c)
		p.fillColor(c.tint(0.1))
		f.RoundedRect(x, y, markW, h, 1.5, "1234", "FD")
		p.textColor(c)
		p.cell(x, y, markW, h, word, "C")
		rightBottom = y + h
	}

	// Left: the seller's name in the brand colour, wrapped beside the title.
	sellerW := contentW - max(titleW, markW) - 10
	p.font(true, 18)
	p.textColor(p.pal.accentText)
	y := bodyTop + 1
	for _, line := range p.split(p.seller, sellerW) {
		p.cell(marginX, y, sellerW, 8, line, "L")
		y += 8
	}
	y = max(y, rightBottom) + 12

	left := p.billedTo(y)
	rightEnd := p.meta(y)
	p.y = max(left, rightEnd) + 9

	if desc := clean(p.d.Description, true); strings.TrimSpace(desc) != "" {
		p.font(false, 10)
		p.textColor(colorText)
		for _, line := range p.split(desc, contentW) {
			p.cell(marginX, p.y, contentW, lineH(10), line, "L")
			p.y += lineH(10)
		}
		p.y += 4
	}
}

// billedTo writes the customer block from y and returns where it ends.
func (p *doc) billedTo(y float64) float64 {
	const w = 84.0
	p.font(true, 7.5)
	p.textColor(colorMuted)
	p.cell(marginX, y, w, 4, "BILLED TO", "L")
	y += 6
	p.font(true, 11)
	p.textColor(colorText)
	for _, line := range p.split(clean(p.d.CustomerName, false), w) {
		p.cell(marginX, y, w, lineH(11), line, "L")
		y += lineH(11)
	}
	p.font(false, 9.5)
	p.textColor(colorMuted)
	for _, line := range p.split(clean(p.d.CustomerEmail, false), w) {
		p.cell(marginX, y, w, lineH(9.5), line, "L")
		y += lineH(9.5)
	}
	return y
}

// meta writes the invoice's number and dates as label–value rows from y, right of the billed-to
// block and aligned with the table's numeric columns, and returns where they end.
func (p *doc) meta(y float64) float64 {
	rows := [][2]string{{"Invoice number", p.number}, {"Issue date", date(p.d.IssuedAt)}}
	if due := date(p.d.DueDate); due != "" {
		rows = append(rows, [2]string{"Due date", due})
	}
	if p.d.PaidAt != nil && !p.d.PaidAt.IsZero() {
		rows = append(rows, [2]string{"Paid on", date(*p.d.PaidAt)})
	}
	if per := period(p.d.PeriodStart, p.d.PeriodEnd); per != "" {
		rows = append(rows, [2]string{"Service period", per})
	}
	x := marginX + colDescW
	w := contentW - colDescW
	const labelW = 27.0
	h := lineH(9.5)
	for _, r := range rows {
		if strings.TrimSpace(r[1]) == "" {
			continue
		}
		p.font(false, 9)
		p.textColor(colorMuted)
		p.cell(x, y, labelW, h, r[0], "L")
		p.font(true, 9.5)
		p.textColor(colorText)
		for _, line := range p.split(r[1], w-labelW) {
			p.cell(x+labelW, y, w-labelW, h, line, "R")
			y += h
		}
		y += 0.8
	}
	return y
}

// accentBar is the brand-coloured band across the top of every page.
func (p *doc) accentBar() {
	p.fillColor(p.pal.accent)
	p.f.Rect(0, 0, pageW, 4, "F")
}

// nextPage starts a continuation page with a short header and, within the table, its column
// headings again.
func (p *doc) nextPage(tableHeader bool) {
	f := p.f
	f.AddPage()
	p.accentBar()
	y := bodyTop - 2
	p.font(false, 9)
	p.textColor(colorMuted)
	cont := strings.TrimSpace("Invoice " + p.number + " (continued)")
	contW := f.GetStringWidth(cont)
	p.cell(marginX+contentW-contW, y, contW, 6, cont, "R")
	p.font(true, 11)
	p.textColor(p.pal.accentText)
	p.cell(marginX, y, contentW-contW-6, 6, p.fit(p.seller, contentW-contW-6), "L")
	p.y = continuedTop
	if tableHeader {
		p.tableHeader()
	}
}

// footer writes the seller, the invoice number and "Page n of N" at the foot of each page.
func (p *doc) footer() {
	f := p.f
	f.SetLineWidth(0.2)
	p.drawColor(colorRule)
	f.Line(marginX, footerY-2, marginX+contentW, footerY-2)
	p.font(false, 8)
	p.textColor(colorMuted)
	page := "Page " + strconv.Itoa(f.PageNo()) + " of " + strconv.Itoa(max(p.pages, f.PageNo()))
	pw := f.GetStringWidth(page)
	p.cell(marginX+contentW-pw, footerY, pw, 5, page, "R")
	left := p.seller
	if p.number != "" {
		left = strings.TrimPrefix(left+" · Invoice "+p.number, " · ")
	}
	p.cell(marginX, footerY, contentW-pw-8, 5, p.fit(left, contentW-pw-8), "L")
}

// font selects DejaVu Sans, bold or regular, at size points.
func (p *doc) font(bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	p.f.SetFont(family, style, size)
}

func (p *doc) textColor(c rgb) { p.f.SetTextColor(c.r, c.g, c.b) }
func (p *doc) fillColor(c rgb) { p.f.SetFillColor(c.r, c.g, c.b) }
func (p *doc) drawColor(c rgb) { p.f.SetDrawColor(c.r, c.g, c.b) }

// cell writes one line of text in the box at (x, y), w by h, aligned "L", "C" or "R" and
// centred vertically.
func (p *doc) cell(x, y, w, h float64, s, align string) {
	p.f.SetXY(x, y)
	p.f.CellFormat(w, h, s, "", 0, align+"M", false, 0, "")
}

// split wraps text to lines no wider than w in the current font (long words are broken);
// empty text gives no lines.
func (p *doc) split(s string, w float64) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return p.f.SplitText(s, w)
}

// fit shortens text with an ellipsis until it is no wider than w in the current font.
func (p *doc) fit(s string, w float64) string {
	if p.f.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && p.f.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// lineH is the line height, in millimetres, for text of size points.
func lineH(size float64) float64 { return size * ptToMM * 1.35 }
