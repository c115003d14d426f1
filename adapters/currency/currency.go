// Package currency implements ports.Currencies with golang.org/x/text/currency, whose table of
// ISO 4217 codes and their minor units comes from Unicode's CLDR.
package currency

import (
	"golang.org/x/text/currency"

	"github.com/stvos/stvos/ports"
)

// ISO4217 is the table.
type ISO4217 struct{}

var _ ports.Currencies = ISO4217{}

// MinorDigits answers the minor unit's digits of an upper-case ISO 4217 code. The codes that
// name no money (XXX "no currency", XTS "testing") are refused.
func (ISO4217) MinorDigits(code string) (int, bool) {
	if len(code) != 3 || code == "XXX" || code == "XTS" {
		return 0, false
	}
	for _, r := range code {
		if r < 'A' || r > 'Z' {
			return 0, false
		}
	}
	u, err := currency.ParseISO(code)
	if err != nil {
		return 0, false
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale, true
}
