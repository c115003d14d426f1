package privacy

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"time"
)

// MinKeyLength is the least length of the key download links are signed with.
const MinKeyLength = 32

// Links signs and checks the download links of export archives. A link names the tenant, the
// export and the Unix second it expires at, and carries an HMAC-SHA256 of the three under the
// server's secret: the link is a capability that works without a bearer token, cannot be altered
// to reach another export (the signature would not match), and stops at its time without any
// state kept per link. GET /privacy/export shows the same link on every poll, so no read writes.
type Links struct {
	key []byte
	// base is the absolute URL of the download route's prefix; the link appends
	// /<tenant>/<export>/archive?expires=...&signature=....
	base string
}

// NewLinks returns the signer; base is the absolute URL of the route prefix.
func NewLinks(key []byte, base string) Links { return Links{key: key, base: base} }

func (l Links) mac(tenantID, exportID string, expires int64) []byte {
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte("stvos/privacy-export/v1\n" + tenantID + "\n" + exportID + "\n" + strconv.FormatInt(expires, 10)))
	return m.Sum(nil)
}

// URL answers the download link of the export, valid until expires.
func (l Links) URL(tenantID, exportID string, expires time.Time) string {
	q := url.Values{}
	at := expires.Unix()
	q.Set("expires", strconv.FormatInt(at, 10))
	q.Set("signature", base64.RawURLEncoding.EncodeToString(l.mac(tenantID, exportID, at)))
	return l.base + "/" + url.PathEscape(tenantID) + "/" + url.PathEscape(exportID) + "/archive?" + q.Encode()
}

// Check verifies a link's signature, then its time: an altered or foreign link is
// ErrLinkInvalid (whatever its time says, since a forger chooses it), one past expires at now
// ErrLinkExpired.
func (l Links) Check(tenantID, exportID string, expires int64, signature string, now time.Time) error {
	sig, err := base64.RawURLEncoding.DecodeString(signature)
	if err != nil || len(l.key) < MinKeyLength || !hmac.Equal(sig, l.mac(tenantID, exportID, expires)) {
		return ErrLinkInvalid
	}
	if now.Unix() >= expires {
		return ErrLinkExpired
	}
	return nil
}
