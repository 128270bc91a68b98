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
func (c *Client) TokenFingerprint(key []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(c.token))
	return hex.EncodeToString(mac.Sum(nil))[:fingerprintLength]
}
