package surface

import (
	"encoding/json"
	"errors"

	"github.com/danielgtaylor/huma/v2"
)

// Decimal is an exact decimal that the wire shows as a JSON number (9.99, not "9.99"), as the
// specifications show money. It keeps the number's text exactly as sent and writes it back as
// given, so an amount never passes through binary floating point; the core reads the text.
type Decimal string

var errNotNumber = errors.New("expected a JSON number")

// UnmarshalJSON takes a JSON number's text; null leaves the value as it is.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if !isNumber(b) {
		return errNotNumber
	}
	*d = Decimal(b)
	return nil
}

// MarshalJSON writes the number's text.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if !isNumber([]byte(d)) {
		return nil, errNotNumber
	}
	return []byte(d), nil
}

// Schema documents a Decimal as a number.
func (Decimal) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeNumber, Format: "double"}
}

// isNumber reports whether b is one JSON number token.
func isNumber(b []byte) bool {
	return len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9') && json.Valid(b)
}
