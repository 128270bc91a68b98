package orgsim

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// idempotencyTTL is how long a processed request's response is kept for its key.
const idempotencyTTL = 24 * time.Hour

const maxIdempotencyKeyLen = 255

// idempotencyKey reads the request's Idempotency-Key: "" when there is none, an error when it
// is not 1..255 printable ASCII characters or is given more than once.
func idempotencyKey(h http.Header) (string, error) {
	values := h.Values("Idempotency-Key")
	switch len(values) {
	case 0:
		return "", nil
	case 1:
	default:
		return "", fmt.Errorf("Idempotency-Key given %d times", len(values))
	}
	key := values[0]
	if len(key) < 1 || len(key) > maxIdempotencyKeyLen {
		return "", fmt.Errorf("Idempotency-Key must be 1..%d characters, got %d", maxIdempotencyKeyLen, len(key))
	}
	for i := range len(key) {
		if key[i] < 0x20 || key[i] > 0x7e {
			return "", fmt.Errorf("Idempotency-Key must be printable ASCII, byte %d is not", i)
		}
	}
	return key, nil
}

// fingerprint identifies a request body by its meaning, so that a client which re-encodes the
// same request (other whitespace, other key order) is still sending "the same body".
func fingerprint(p *params) [sha256.Size]byte {
	canonical, _ := json.Marshal(p) // p was decoded from JSON, so it encodes
	return sha256.Sum256(canonical)
}

// storedResponse is what a replay answers.
type storedResponse struct {
	status  int
	body    []byte
	outcome string
}

type idemSlot struct {
	caller, key string
}

type idemEntry struct {
	fingerprint [sha256.Size]byte
	done        bool
	response    storedResponse
	expires     time.Time
}

// idemVerdict is what begin decided about a request with a key.
type idemVerdict int

const (
	idemProceed  idemVerdict = iota // first request with the key: process it
	idemReplay                      // answered before: send the kept response
	idemInFlight                    // the first request is still being processed: 409
	idemMismatch                    // the key was used with another body: 422
)

// idempotencyStore keeps keys per caller. Expired entries are dropped in the order they were
// finished, which is also the order they expire in, so dropping costs nothing per request.
type idempotencyStore struct {
	mu      sync.Mutex
	entries map[idemSlot]*idemEntry
	expiry  []expiring
}

type expiring struct {
	slot  idemSlot
	entry *idemEntry
}

func newIdempotencyStore() *idempotencyStore {
	return &idempotencyStore{entries: map[idemSlot]*idemEntry{}}
}

// begin decides what to do with a request carrying the key and, when it is to be processed,
// reserves the key until finish or release.
func (is *idempotencyStore) begin(slot idemSlot, fp [sha256.Size]byte, now time.Time) (idemVerdict, storedResponse) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.dropExpired(now)
	e, ok := is.entries[slot]
	switch {
	case !ok:
		is.entries[slot] = &idemEntry{fingerprint: fp}
		return idemProceed, storedResponse{}
	case e.fingerprint != fp:
		return idemMismatch, storedResponse{}
	case !e.done:
		return idemInFlight, storedResponse{}
	default:
		return idemReplay, e.response
	}
}

// finish keeps the response of the processed request for the TTL.
func (is *idempotencyStore) finish(slot idemSlot, resp storedResponse, now time.Time) {
	is.mu.Lock()
	defer is.mu.Unlock()
	e := is.entries[slot]
	e.done = true
	e.response = resp
	e.expires = now.Add(idempotencyTTL)
	is.expiry = append(is.expiry, expiring{slot: slot, entry: e})
}

// release forgets a reserved key whose request was refused before processing, so that a retry
// with it is processed.
func (is *idempotencyStore) release(slot idemSlot) {
	is.mu.Lock()
	defer is.mu.Unlock()
	delete(is.entries, slot)
}

func (is *idempotencyStore) dropExpired(now time.Time) {
	n := 0
	for _, x := range is.expiry {
		if now.Before(x.entry.expires) {
			break
		}
		if is.entries[x.slot] == x.entry {
			delete(is.entries, x.slot)
		}
		n++
	}
	is.expiry = is.expiry[n:]
}
