package pdf_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/fx"

	"github.com/stvos/stvos/adapters/pdf"
	"github.com/stvos/stvos/ports"
)

// sampleInvoice is a paid invoice with several lines, a proration credit, a discount and tax.
func sampleInvoice() ports.InvoiceDocument {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 30, 0, 0, time.UTC) }
	issued, paid := day(time.December, 2), day(time.December, 3)
	start, end := day(time.December, 2), time.Date(2027, time.January, 2, 9, 30, 0, 0, time.UTC)
	return ports.InvoiceDocument{
		SellerName:    "Łódź Fitness Studio GmbH",
		BrandColor:    "#E4572E",
		Number:        "INV-2026-00142",
		Status:        "paid",
		IssuedAt:      issued,
		DueDate:       day(time.December, 16),
		PaidAt:        &paid,
		PeriodStart:   &start,
		PeriodEnd:     &end,
		CustomerName:  "Zoë Müller",
		CustomerEmail: "zoe.mueller@example.com",
		Description:   "Upgrade from Basic to Premium, billed monthly",
		Currency:      "EUR",
		Lines: []ports.InvoiceDocumentLine{
			{Description: "Premium monthly", Period: "2026-12-02 – 2027-01-02", Quantity: 1, Unit: "29.99", Amount: "29.99"},
			{Description: "Unused time on Basic monthly after 2 December 2026 (proration credit for the remaining 21 days of the period)", Period: "2026-12-02 – 2026-12-23", Quantity: 1, Unit: "-6.79", Amount: "-6.79"},
			{Description: "Extra stream slot", Period: "2026-12-02 – 2027-01-02", Quantity: 2, Unit: "2.50", Amount: "5.00"},
			{Description: "Personal training session with Łukasz in 東京 studio", Quantity: 1, Unit: "35.00", Amount: "35.00"},
		},
		Subtotal:   "63.20",
		Discount:   "6.32",
		TaxRate:    "19",
		Tax:        "10.81",
		Total:      "67.69",
		AmountPaid: "67.69",
		AmountDue:  "0.00",
		Refunded:   "0.00",
	}
}

// longInvoice is an open invoice of n lines, enough for several pages.
func longInvoice(n int) ports.InvoiceDocument {
	d := sampleInvoice()
	d.Status, d.PaidAt, d.AmountPaid, d.AmountDue, d.Discount = "open", nil, "0.00", "1830.00", "0"
	d.Lines = nil
	for i := 1; i <= n; i++ {
		d.Lines = append(d.Lines, ports.InvoiceDocumentLine{
			Description: fmt.Sprintf("Class pass %02d", i), Period: "2026-12-02 – 2027-01-02",
			Quantity: 1, Unit: "30.50", Amount: "30.50",
		})
	}
	d.Subtotal, d.Tax, d.Total = "1830.00", "0.00", "1830.00"
	d.TaxRate = "0"
	return d
}

func render(t *testing.T, d ports.InvoiceDocument) []byte {
	t.Helper()
	b, err := pdf.New().InvoicePDF(context.Background(), d)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(b, []byte("%PDF-")), "no %%PDF- header")
	require.Contains(t, string(bytes.TrimRight(b[max(0, len(b)-32):], "\r\n")), "%%EOF")
	keep(t, d.Number+"-"+strings.ToLower(d.Status), b)
	return b
}

// keep writes the PDF to $STVOS_PDF_SAMPLE_DIR when it is set, to look at with pdftoppm.
func keep(t *testing.T, name string, b []byte) {
	if dir := os.Getenv("STVOS_PDF_SAMPLE_DIR"); dir != "" {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".pdf"), b, 0o644))
	}
}

// pdfText extracts the text of a PDF with poppler's pdftotext, keeping the layout.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	require.NoError(t, err, "pdftotext is missing: install poppler-utils (apt-get install -y poppler-utils) to run these tests")
	in := filepath.Join(t.TempDir(), "invoice.pdf")
	require.NoError(t, os.WriteFile(in, b, 0o600))
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", in, "-").CombinedOutput()
	require.NoError(t, err, "pdftotext: %s", out)
	return string(out)
}

// pageCount is the number of pages pdftotext saw (it ends each with a form feed).
func pageCount(text string) int { return strings.Count(text, "\f") }

// spaces normalises runs of blanks, so assertions do not depend on column layout.
var spaces = regexp.MustCompile(`[ \t]+`)

func TestInvoicePDFShowsEverythingOnTheInvoice(t *testing.T) {
	t.Parallel()
	d := sampleInvoice()
	text := pdfText(t, render(t, d))
	flat := spaces.ReplaceAllString(text, " ")

	require.Equal(t, 1, pageCount(text))
	for _, want := range []string{
		"Łódź Fitness Studio GmbH", "Invoice", "INV-2026-00142", "PAID",
		"Issue date 2026-12-02", "Due date 2026-12-16", "Paid on 2026-12-03",
		"Service period 2026-12-02 – 2027-01-02",
		"BILLED TO", "Zoë Müller", "zoe.mueller@example.com",
		"Upgrade from Basic to Premium, billed monthly",
		"Description", "Qty", "Unit price", "Amount",
		"Premium monthly", "Extra stream slot", "Personal training session with Łukasz in 東京 studio",
		"Unused time on Basic monthly after 2 December 1 -6.79 EUR -6.79 EUR",
		"2 2.50 EUR 5.00 EUR", "29.99 EUR",
		"Subtotal 63.20 EUR", "Discount -6.32 EUR", "Tax (19%) 10.81 EUR", "Total 67.69 EUR",
		"Amount paid 67.69 EUR", "Amount due 0.00 EUR", "Page 1 of 1",
	} {
		require.Contains(t, flat, want)
	}
	require.NotContains(t, flat, "Refunded", "a zero refund is not printed")
	// The long description wraps inside its column instead of running into the numbers.
	require.Regexp(t, `remaining 21 days of\s+the period\)`, flat)
	require.NotContains(t, flat, "Unused time on Basic monthly after 2 December 2026 (proration credit for the remaining")
}

func TestInvoicePDFFlowsLongInvoicesOntoMorePages(t *testing.T) {
	t.Parallel()
	text := pdfText(t, render(t, longInvoice(60)))
	pages := strings.Split(strings.TrimSuffix(text, "\f"), "\f")
	require.GreaterOrEqual(t, len(pages), 2)
	for i, page := range pages {
		flat := spaces.ReplaceAllString(page, " ")
		require.Contains(t, flat, fmt.Sprintf("Page %d of %d", i+1, len(pages)))
		require.Contains(t, flat, "Description Qty Unit price Amount", "page %d repeats the table header", i+1)
	}
	all := spaces.ReplaceAllString(text, " ")
	for i := 1; i <= 60; i++ {
		require.Equal(t, 1, strings.Count(all, fmt.Sprintf("Class pass %02d ", i)), "line %d printed once", i)
	}
	require.Contains(t, all, "(continued)")
	require.Contains(t, all, "OPEN")
	require.Contains(t, all, "Amount due 1830.00 EUR")
	require.NotContains(t, all, "Discount", "a zero discount is not printed")
	require.NotContains(t, all, "Paid on")
}

func TestInvoicePDFIsDeterministic(t *testing.T) {
	t.Parallel()
	r := pdf.New()
	a, err := r.InvoicePDF(context.Background(), longInvoice(40))
	require.NoError(t, err)
	b, err := r.InvoicePDF(context.Background(), longInvoice(40))
	require.NoError(t, err)
	require.True(t, bytes.Equal(a, b), "two renders of one invoice differ")
	require.Contains(t, string(a), "/CreationDate (D:20261202")
}

func TestInvoicePDFSurvivesOddInput(t *testing.T) {
	t.Parallel()
	for name, edit := range map[string]func(*ports.InvoiceDocument){
		"empty":             func(d *ports.InvoiceDocument) { *d = ports.InvoiceDocument{} },
		"no lines":          func(d *ports.InvoiceDocument) { d.Lines = nil },
		"malformed colour":  func(d *ports.InvoiceDocument) { d.BrandColor = "rebeccapurple" },
		"white brand":       func(d *ports.InvoiceDocument) { d.BrandColor = "#fff" },
		"void":              func(d *ports.InvoiceDocument) { d.Status = "void" },
		"uncollectible":     func(d *ports.InvoiceDocument) { d.Status = "uncollectible"; d.Refunded = "5.00" },
		"outside the BMP":   func(d *ports.InvoiceDocument) { d.CustomerName = "Zoë 😀 \U00010000 𝔘" },
		"controls, bad utf": func(d *ports.InvoiceDocument) { d.SellerName = "A\x00B\tC\r\nD\xff\xfe" },
		"right to left":     func(d *ports.InvoiceDocument) { d.CustomerName = "مريم حداد" },
		"long words": func(d *ports.InvoiceDocument) {
			d.SellerName = strings.Repeat("Verylongsellername", 12)
			d.CustomerEmail = strings.Repeat("x", 200) + "@example.com"
			d.Lines[0].Description = strings.Repeat("Unbreakable", 40)
		},
		"line taller than a page": func(d *ports.InvoiceDocument) {
			d.Lines[1].Description = strings.Repeat("A very long description. ", 1200)
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := sampleInvoice()
			edit(&d)
			b, err := pdf.New().InvoicePDF(context.Background(), d)
			require.NoError(t, err)
			keep(t, "odd-"+strings.ReplaceAll(name, " ", "-"), b)
			require.NotEmpty(t, pdfText(t, b))
		})
	}
}

func TestInvoicePDFStopsOnACancelledContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := pdf.New().InvoicePDF(ctx, sampleInvoice())
	require.ErrorIs(t, err, context.Canceled)
}

func TestModuleProvidesDocuments(t *testing.T) {
	t.Parallel()
	require.NoError(t, fx.ValidateApp(pdf.Module, fx.NopLogger, fx.Invoke(func(ports.Documents) {})))
}

func BenchmarkInvoicePDF(b *testing.B) {
	r := pdf.New()
	for _, n := range []int{4, 60} {
		d := longInvoice(n)
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := r.InvoicePDF(context.Background(), d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
