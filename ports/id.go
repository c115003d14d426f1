package ports

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"time"
)

// NewID returns a new identifier: a UUID version 7 (RFC 9562), time-ordered so that keys that
// begin with it stay local in indexes and sort in creation order for cursor pagination.
func NewID() string {
	var u [16]byte
	if _, err := rand.Read(u[6:]); err != nil {
		panic(fmt.Sprintf("ports: no randomness: %v", err)) // crypto/rand never fails on Linux
	}
	ms := uint64(time.Now().UnixMilli())
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], ms)
	copy(u[0:6], ts[2:8])
	u[6] = (u[6] & 0x0f) | 0x70 // version 7
	u[8] = (u[8] & 0x3f) | 0x80 // variant RFC 9562
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// IsID reports whether s has the textual form of a UUID, so that malformed path ids are refused
// as not found before any query runs.
func IsID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
