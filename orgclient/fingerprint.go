package orgclient

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// fingerprintLength is how many hex digits of the HMAC a fingerprint keeps: enough to tell an
// operator's tokens apart, short enough to read out.
const fingerprintLength = 16

// TokenFingerprint names the client's token without revealing it: an HMAC-SHA256 of the token
// under key. With a key kept apart from what prints fingerprints, a fingerprint in a report
// cannot be used to test guesses of the token.
func (c *Client) TokenFingerprint(key []byte) string { return Fingerprint(c.token, key) }

// Fingerprint is TokenFingerprint of a token no client holds yet: a worker names the rate limit
// it shares by it before it makes the client that waits on it.
func Fingerprint(token string, key []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(token))
	return hex.EncodeToString(mac.Sum(nil))[:fingerprintLength]
}
