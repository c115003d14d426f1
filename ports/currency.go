package ports

// Currencies knows the ISO 4217 currencies: whether a code is one, and how many digits its minor
// unit has (2 for USD, 0 for JPY, 3 for BHD), which is how exact a price in it may be.
type Currencies interface {
	// MinorDigits answers the digits of the code's minor unit, and false when the code (three
	// upper-case letters) is not an ISO 4217 currency.
	MinorDigits(code string) (digits int, ok bool)
}
