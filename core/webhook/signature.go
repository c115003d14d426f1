package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries a delivery's signature, in the form "t=<unix seconds>,v1=<hex>": the
// hex is HMAC-SHA256, keyed with the endpoint's secret, of the timestamp, a dot and the raw body
// ("<t>.<body>"), as Stripe signs its webhooks. A receiver recomputes it over the body as received
// (before any JSON parsing), compares in constant time, and refuses timestamps older than its
// tolerance (replays). While a secret is being rolled, several v1 entries may appear: one match
// is enough.
const SignatureHeader = "Stvos-Signature"

// DefaultTolerance is how old a signed delivery Verify accepts by default.
const DefaultTolerance = 5 * time.Minute

// Sign returns the hex signature of body at time t.
func Sign(secret string, t time.Time, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(t.Unix(), 10)))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Header returns the value of the signature header for body sent at time t.
func Header(secret string, t time.Time, body []byte) string {
	return "t=" + strconv.FormatInt(t.Unix(), 10) + ",v1=" + Sign(secret, t, body)
}

// The reasons Verify refuses a delivery.
var (
	ErrNoSignature      = errors.New("webhook: no valid signature header")
	ErrSignatureExpired = errors.New("webhook: signature timestamp outside the tolerance")
	ErrBadSignature     = errors.New("webhook: signature does not match")
)

// Verify checks a delivery's signature header against the raw body with the endpoint's secret;
// tolerance bounds the timestamp's distance from now (zero: DefaultTolerance). Receivers written
// in Go can call it as is; the README shows the same in a few lines for other languages.
func Verify(secret, header string, body []byte, tolerance time.Duration, now time.Time) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	var ts int64 = -1
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return ErrNoSignature
			}
			ts = n
		case "v1":
			sigs = append(sigs, v)
		}
	}
	if ts < 0 || len(sigs) == 0 {
		return ErrNoSignature
	}
	at := time.Unix(ts, 0)
	if d := now.Sub(at); d > tolerance || d < -tolerance {
		return ErrSignatureExpired
	}
	want := []byte(Sign(secret, at, body))
	for _, s := range sigs {
		if hmac.Equal(want, []byte(s)) {
			return nil
		}
	}
	return ErrBadSignature
}
