package pdf

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// rgb is a colour as fpdf takes it.
type rgb struct{ r, g, b int }

// The invoice's palette besides the brand colour: near-black text, grey for labels and rules.
var (
	colorText    = rgb{31, 41, 55}
	colorMuted   = rgb{107, 114, 128}
	colorRule    = rgb{229, 231, 235}
	colorNeutral = rgb{51, 65, 85} // the accent when a client has no usable brand colour
)

// parseColor reads "#RRGGBB" (or "#RGB", with or without "#"); ok is false for anything else.
func parseColor(s string) (c rgb, ok bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	if len(s) != 6 {
		return rgb{}, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return rgb{}, false
	}
	return rgb{int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)}, true
}

// luminance is the WCAG relative luminance, 0 (black) to 1 (white).
func (c rgb) luminance() float64 {
	lin := func(v int) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

// contrastOnWhite is the WCAG contrast ratio of the colour against white paper.
func (c rgb) contrastOnWhite() float64 { return 1.05 / (c.luminance() + 0.05) }

// tint mixes the colour with white; amount 0 is white, 1 the colour.
func (c rgb) tint(amount float64) rgb {
	mix := func(v int) int { return int(math.Round(255 - (255-float64(v))*amount)) }
	return rgb{mix(c.r), mix(c.g), mix(c.b)}
}

// palette is what the brand colour gives the document.
type palette struct {
	accent     rgb // bars and rules: the brand colour as it is
	accentText rgb // text in the brand colour, or neutral when it would be unreadable on white
	tint       rgb // a light background derived from the accent
}

// brandPalette falls back to a neutral slate when the colour is empty or malformed, or so pale
// that a bar or rule of it would vanish on white paper, and keeps text readable when a client's
// colour is too light to print text in (WCAG's 3:1 for large text).
func brandPalette(brand string) palette {
	c, ok := parseColor(brand)
	if !ok || c.contrastOnWhite() < 1.3 {
		c = colorNeutral
	}
	p := palette{accent: c, accentText: c, tint: c.tint(0.08)}
	if c.contrastOnWhite() < 3 {
		p.accentText = colorNeutral
	}
	return p
}

// statusMark is the word and colour of an invoice's status.
func statusMark(status string) (string, rgb) {
	s := strings.ToLower(strings.TrimSpace(status))
	switch s {
	case "paid":
		return "PAID", rgb{21, 128, 61}
	case "open":
		return "OPEN", rgb{29, 78, 216}
	case "uncollectible":
		return "UNCOLLECTIBLE", rgb{185, 28, 28}
	case "void":
		return "VOID", colorMuted
	case "":
		return "", colorMuted
	}
	return strings.ToUpper(s), colorMuted
}

// isZero tells whether a decimal amount ("0", "0.00", "-0.00", "") is zero.
func isZero(amount string) bool {
	s := strings.TrimLeft(strings.TrimSpace(amount), "+-")
	return strings.Trim(s, "0.,") == ""
}

// money prints an amount with its currency code ("9.99 EUR"); an empty amount prints as 0.
func money(amount, currency string) string {
	amount = strings.TrimSpace(amount)
	if amount == "" {
		amount = "0"
	}
	if currency = strings.ToUpper(strings.TrimSpace(currency)); currency == "" {
		return amount
	}
	return amount + " " + currency
}

// deduction prints an amount taken off (a discount, given positive like the API's
// discount_amount) with a minus sign; one already negative prints as it is.
func deduction(amount, currency string) string {
	amount = strings.TrimSpace(amount)
	if !strings.HasPrefix(amount, "-") {
		amount = "-" + strings.TrimPrefix(amount, "+")
	}
	return money(amount, currency)
}

// dateLayout is ISO 8601: unambiguous in every country, and the form line periods arrive in.
const dateLayout = "2006-01-02"

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}

// period prints a service period; either end may be missing.
func period(start, end *time.Time) string {
	var s, e string
	if start != nil {
		s = date(*start)
	}
	if end != nil {
		e = date(*end)
	}
	switch {
	case s != "" && e != "":
		return s + " – " + e
	case s != "":
		return "from " + s
	case e != "":
		return "until " + e
	}
	return ""
}

// clean makes text safe for fpdf: invalid UTF-8 and runes outside the Basic Multilingual Plane
// (fpdf's width table ends there and one rune past it panics; DejaVu Sans has no glyphs there
// anyway) become U+FFFD, and control characters become spaces, except newlines where keep is
// true.
func clean(s string, keepNewlines bool) string {
	if s == "" {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' && keepNewlines:
			return r
		case r == utf8.RuneError, r > 0xFFFF:
			return '\uFFFD'
		case unicode.IsControl(r):
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
