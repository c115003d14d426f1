// Package money is exact money: an amount is a whole number of a currency's minor units (999
// cents is 9.99 USD), read from and written as an exact decimal, never through binary floating
// point. A decimal more exact than its currency allows is refused, never rounded. Which codes are
// currencies, and how many digits their minor unit has, is ports.Currencies' answer.
package money

import (
	"strconv"
	"strings"

	"github.com/stvos/stvos/ports"
)

// Bounds of an amount.
const (
	// MaxWholeDigits bounds the whole part of an amount: at most 9,999,999,999.
	MaxWholeDigits = 10
	// MaxMinorDigits bounds the digits of a minor unit; ISO 4217 uses at most 4.
	MaxMinorDigits = 4
)

// CurrencyReason is why a code that is not an ISO 4217 currency is refused.
const CurrencyReason = "must be an ISO 4217 currency code such as USD, EUR or JPY"

// Amount is an exact sum of money.
type Amount struct {
	// Minor is the sum in minor units of the currency: 999 for 9.99 USD, 500 for 500 JPY.
	Minor int64
	// Digits is how many digits the currency's minor unit had when the amount was read: 2 for
	// USD, 0 for JPY. Kept with the amount, it says what Minor means on its own.
	Digits int
	// Currency is the ISO 4217 code, upper case.
	Currency string
}

// Parse reads an exact decimal ("9.99", "5", "0.5") in a currency whose minor unit has digits
// digits and answers the amount in minor units (999, 500, 50). It answers a reason, for people,
// when the decimal is not acceptable: a sign, an exponent, a separator, a whole part of more than
// MaxWholeDigits digits, or more decimal places than the currency has.
func Parse(s string, digits int) (int64, string) {
	if digits < 0 || digits > MaxMinorDigits {
		return 0, "cannot be used in this currency"
	}
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || (hasPoint && (frac == "" || !allDigits(frac))) {
		return 0, "must be a decimal number such as 29.99, without sign, exponent or thousands separators"
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > MaxWholeDigits {
		return 0, "must be below 10000000000"
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > digits {
		if digits == 0 {
			return 0, "must be a whole number in this currency"
		}
		return 0, "must have at most " + strconv.Itoa(digits) + " decimal places in this currency"
	}
	// At most 10 + 4 digits: the number fits an int64 with room to spare.
	minor, _ := strconv.ParseInt("0"+whole+frac+strings.Repeat("0", digits-len(frac)), 10, 64)
	return minor, ""
}

// Format writes minor units as a decimal with exactly digits decimal places: 999 and 2 give
// "9.99", 50 and 2 give "0.50", 500 and 0 give "500".
func Format(minor int64, digits int) string {
	neg := minor < 0
	s := strconv.FormatUint(absolute(minor), 10)
	if digits > 0 {
		if len(s) <= digits {
			s = strings.Repeat("0", digits-len(s)+1) + s
		}
		s = s[:len(s)-digits] + "." + s[len(s)-digits:]
	}
	if neg {
		return "-" + s
	}
	return s
}

func absolute(n int64) uint64 {
	if n < 0 {
		return uint64(-(n + 1)) + 1
	}
	return uint64(n)
}

// Normalize checks a decimal as Parse does and writes it with exactly the currency's digits
// ("0.5" → "0.50" for 2 digits, "500.00" → "500" for 0), answering the reason when it is refused.
func Normalize(s string, digits int) (string, string) {
	minor, reason := Parse(s, digits)
	if reason != "" {
		return "", reason
	}
	return Format(minor, digits), ""
}

// Table is a fixed table of currency codes and the digits of their minor units: ports.Currencies
// for callers that know their few currencies in advance, such as tests.
type Table map[string]int

// MinorDigits answers the code's digits, and false for a code not in the table.
func (t Table) MinorDigits(code string) (int, bool) {
	d, ok := t[code]
	return d, ok
}

// Read checks an amount as an API receives it, a decimal and a currency code, and reports what
// it refuses into v: a code that is not an ISO 4217 currency under currencyField, a decimal that
// Parse refuses under amountField. ok is false when anything was refused.
func Read(v *ports.Validation, currencies ports.Currencies, decimal, code, amountField, currencyField string) (Amount, bool) {
	digits, ok := currencies.MinorDigits(code)
	if !v.Check(ok, currencyField, CurrencyReason) {
		return Amount{}, false
	}
	minor, reason := Parse(decimal, digits)
	if !v.Check(reason == "", amountField, reason) {
		return Amount{}, false
	}
	return Amount{Minor: minor, Digits: digits, Currency: code}, true
}

// Decimal writes the amount as an exact decimal with its currency's digits: "9.99".
func (a Amount) Decimal() string { return Format(a.Minor, a.Digits) }

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
