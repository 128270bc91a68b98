package postgres

import (
	"crypto/sha256"
	"encoding/binary"
	"strings"
)

// advisoryKey is the key of this tool's advisory lock named by parts: the first 8 bytes of a
// SHA-256 of them under a namespace, so that the keys of two organizations, or of another
// application on the same database, collide only by a chance of one in 2^64 per pair. Unlike the
// server's hashtext, it is the same on every server version.
func advisoryKey(parts ...string) int64 {
	sum := sha256.Sum256([]byte("storeimport\x00" + strings.Join(parts, "\x00")))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}
