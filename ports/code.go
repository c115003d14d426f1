package ports

import (
	"crypto/rand"
	"math/big"
)

// CodeAlphabet are the symbols of codes people read and type (vouchers, gift cards): no
// look-alikes (no 0/O, 1/I/L), so codes read aloud or typed from paper survive; 31 symbols.
const CodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// RandomSymbols answers n symbols of CodeAlphabet, each drawn uniformly from a cryptographic
// source: log2(31) ≈ 4.95 bits each.
func RandomSymbols(n int) (string, error) {
	size := big.NewInt(int64(len(CodeAlphabet)))
	b := make([]byte, n)
	for i := range b {
		d, err := rand.Int(rand.Reader, size)
		if err != nil {
			return "", err
		}
		b[i] = CodeAlphabet[d.Int64()]
	}
	return string(b), nil
}
