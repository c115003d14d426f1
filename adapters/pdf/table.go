package pdf

import (
	"strconv"
	"strings"
)

// Text sizes of the table, in points.
const (
	sizeRow    = 9.5
	sizePeriod = 8.0
)

// tableHeaderH is the height of the column headings, in millimetres.
const tableHeaderH = 8.0

// rowText is one printed line of a table row's first column: a wrapped piece of the
// description, or of the period under it.
type rowText struct {
	text   string
	period bool
}

func (t rowText) height() float64 {
	if t.period {
		return lineH(sizePeriod)
	}
	return lineH(sizeRow)
}

func textHeight(ts []rowText) float64 {
	h := 0.0
	for _, t := range ts {
		h += t.height()
	}
	return h
}

// table writes the invoice lines under a header, starting a new page (header repeated) when a
// row does not fit.
func (p *doc) table() {
	p.tableHeader()
	for _, l := range p.d.Lines {
		p.font(false, sizeRow)
		var texts []rowText
		for _, s := range p.split(clean(l.Description, true), colDescW-2*cellPad) {
			texts = append(texts, rowText{text: s})
		}
		if len(texts) == 0 {
			texts = []rowText{{}}
		}
		p.font(false, sizePeriod)
		for _, s := range p.split(clean(l.Period, false), colDescW-2*cellPad) {
			texts = append(texts, rowText{text: s, period: true})
		}
		unit := ""
		if strings.TrimSpace(l.Unit) != "" {
			unit = money(clean(l.Unit, false), p.currency)
		}
		p.row(texts, strconv.Itoa(l.Quantity), unit, money(clean(l.Amount, false), p.currency))
	}
}

// tableHeader writes the column headings at p.y on a band of the brand's tint.
func (p *doc) tableHeader() {
	f := p.f
	const h = tableHeaderH
	y := p.y
	p.fillColor(p.pal.tint)
	f.Rect(marginX, y, contentW, h, "F")
	f.SetLineWidth(0.4)
	p.drawColor(p.pal.accent)
	f.Line(marginX, y+h, marginX+contentW, y+h)
	p.font(true, 8.5)
	p.textColor(colorText)
	x := marginX
	p.cell(x+cellPad, y, colDescW-2*cellPad, h, "Description", "L")
	x += colDescW
	p.cell(x, y, colQtyW-cellPad, h, "Qty", "R")
	x += colQtyW
	p.cell(x, y, colUnitW-cellPad, h, "Unit price", "R")
	x += colUnitW
	p.cell(x, y, colAmountW-cellPad, h, "Amount", "R")
	p.y = y + h
	p.tableTop = p.y
}

// row writes one invoice line, on the next page when it does not fit on this one. A row
// taller than a whole page (a description of thousands of words) is split across pages, its
// numbers on the first part.
func (p *doc) row(texts []rowText, qty, unit, amount string) {
	first := true
	for len(texts) > 0 {
		need := textHeight(texts) + 2*rowPadY
		if p.y+need <= bodyBottom {
			p.rowPart(texts, first, qty, unit, amount)
			return
		}
		n, room := 0, bodyBottom-p.y-2*rowPadY
		for n < len(texts) && texts[n].height() <= room {
			room -= texts[n].height()
			n++
		}
		// A row that fits on a fresh page goes there whole; one that would not starts here.
		fitsNextPage := need <= bodyBottom-(continuedTop+tableHeaderH)
		if p.y > p.tableTop && (fitsNextPage || n < 2) {
			p.nextPage(true)
			continue
		}
		n = max(n, 1)
		p.rowPart(texts[:n], first, qty, unit, amount)
		texts, first = texts[n:], false
		p.nextPage(true)
	}
}

// rowPart writes lines of a row at p.y, with the numbers when first, and a rule under them.
func (p *doc) rowPart(texts []rowText, first bool, qty, unit, amount string) {
	f := p.f
	y := p.y + rowPadY
	if first {
		h := lineH(sizeRow)
		p.font(false, sizeRow)
		p.textColor(colorText)
		x := marginX + colDescW
		p.cell(x, y, colQtyW-cellPad, h, qty, "R")
		x += colQtyW
		p.cell(x, y, colUnitW-cellPad, h, unit, "R")
		x += colUnitW
		p.cell(x, y, colAmountW-cellPad, h, amount, "R")
	}
	for _, t := range texts {
		if t.period {
			p.font(false, sizePeriod)
			p.textColor(colorMuted)
		} else {
			p.font(false, sizeRow)
			p.textColor(colorText)
		}
		p.cell(marginX+cellPad, y, colDescW-2*cellPad, t.height(), t.text, "L")
		y += t.height()
	}
	p.y = y + rowPadY
	f.SetLineWidth(0.2)
	p.drawColor(colorRule)
	f.Line(marginX, p.y, marginX+contentW, p.y)
}

// totalRow is one line of the totals block.
type totalRow struct {
	label, value string
	strong       bool // bold, with a rule above (Total)
	highlight    bool // bold on the brand's tint (Amount due)
}

// totals writes Subtotal down to Amount due under the table, right-aligned with the amount
// column, kept together on one page.
func (p *doc) totals() {
	d, cur := p.d, p.currency
	rows := []totalRow{{label: "Subtotal", value: money(d.Subtotal, cur)}}
	if !isZero(d.Discount) {
		rows = append(rows, totalRow{label: "Discount", value: deduction(d.Discount, cur)})
	}
	tax := "Tax"
	if rate := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(d.TaxRate), "%")); rate != "" {
		tax = "Tax (" + clean(rate, false) + "%)"
	}
	rows = append(rows,
		totalRow{label: tax, value: money(d.Tax, cur)},
		totalRow{label: "Total", value: money(d.Total, cur), strong: true},
		totalRow{label: "Amount paid", value: money(d.AmountPaid, cur)},
	)
	if !isZero(d.Refunded) {
		rows = append(rows, totalRow{label: "Refunded", value: money(d.Refunded, cur)})
	}
	rows = append(rows, totalRow{label: "Amount due", value: money(d.AmountDue, cur), highlight: true})

	const rowH, boxH, gap = 6.5, 9.0, 5.0
	need := gap + float64(len(rows)-1)*rowH + 1 + 2 + boxH
	if p.y+need > bodyBottom {
		p.nextPage(false)
	}

	f := p.f
	labelX := marginX + colDescW - 4
	valueX := marginX + colDescW + colQtyW + colUnitW
	valueW := colAmountW - cellPad
	labelW := valueX - labelX
	y := p.y + gap
	for _, r := range rows {
		h := rowH
		switch {
		case r.highlight:
			h = boxH
			y += 2
			p.fillColor(p.pal.tint)
			f.Rect(labelX-cellPad, y, marginX+contentW-labelX+cellPad, h, "F")
			f.SetLineWidth(0.4)
			p.drawColor(p.pal.accent)
			f.Line(labelX-cellPad, y, marginX+contentW, y)
		case r.strong:
			f.SetLineWidth(0.3)
			p.drawColor(colorText)
			f.Line(labelX, y+0.5, marginX+contentW-cellPad, y+0.5)
			y += 1
		}
		bold := r.strong || r.highlight
		size := 9.5
		if bold {
			size = 10.5
		}
		p.font(bold, size)
		p.textColor(colorText)
		p.cell(labelX, y, labelW, h, r.label, "L")
		p.cell(valueX, y, valueW, h, clean(r.value, false), "R")
		y += h
	}
	p.y = y
}
