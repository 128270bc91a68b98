package importer

import (
	"context"
	"errors"
	"time"

	"github.com/acme/storeimport/orgclient"
)

// Journal is the write-ahead record of every row that reaches the platform. The intent of a step
// is committed before its request is sent and the outcome after it, so that whatever kills a run,
// the next one knows exactly what may exist on the platform and can settle it.
type Journal interface {
	// StartRun records a run of this organization and returns its id.
	StartRun(ctx context.Context, organizationID, file string, now time.Time) (int64, error)
	// FinishRun marks the run as having gone through its rows.
	FinishRun(ctx context.Context, runID int64, now time.Time) error
	// Begin records a new attempt at a row, in state creating, before createShop is sent; it
	// sets e.ID. Like every write of the journal, it fails with ErrSuperseded once the run has
	// lost the organization's lock.
	Begin(ctx context.Context, e *Entry, now time.Time) error
	// Record commits e's state, shop id and error, provided the entry is still in state from.
	Record(ctx context.Context, e *Entry, from string, now time.Time) error
	// Complete inserts the store and its cache and marks e done, in one transaction, provided
	// the entry is still in e.State.
	Complete(ctx context.Context, e *Entry, shop *orgclient.Shop, now time.Time) error
	// Unsettled lists the organization's attempts that are not done, failed or compensated,
	// oldest first.
	Unsettled(ctx context.Context, organizationID string) ([]Entry, error)
	// Attempts lists every attempt of the organization, whatever its state, oldest first.
	Attempts(ctx context.Context, organizationID string) ([]Entry, error)
}

// ErrSuperseded is a journal write refused because another run has taken over: the run lost the
// organization's lock, or an entry is no longer in the state this run left it in. The writer must
// send nothing more and leave its rows to the journal as they are: the other run settles them.
var ErrSuperseded = errors.New("this run no longer holds the organization's lock, so another run may be settling its rows")

// Entry is one attempt at importing one store, as the journal keeps it.
type Entry struct {
	ID             int64
	RunID          int64
	OrganizationID string
	Line           int
	Store          Store  // the values sent, so that a replay sends the very same request
	Key            string // stem of the attempt's Idempotency-Keys
	// TokenFingerprint names the platform token the attempt's createShop was sent with: the
	// platform scopes keys to a token, so only that token can replay it. "" for an attempt
	// journaled before fingerprints were kept.
	TokenFingerprint string
	State            string
	ShopID           string
	Error            string
	// BeganAt is when the attempt was journaled, just before its createShop was first sent: the
	// platform keeps the answer to the attempt's key for 24 hours from about then.
	BeganAt time.Time
}

// Idempotency keys. createShop always sends the attempt's own key, in every run, so that a
// replay after a crash or an ambiguous failure returns the shop the platform already made. The
// assign and delete keys also carry the run: those operations are idempotent by nature (assigning
// twice changes nothing, deleting twice is NOT_FOUND, which counts as done), and a fresh key per
// run means a later run really retries them rather than getting an earlier failure replayed.
func createKey(e *Entry) string { return e.Key + "-create" }

func assignKey(e *Entry, runID int64) string { return e.Key + "-assign-r" + itoa(runID) }

func deleteKey(e *Entry, runID int64) string { return e.Key + "-delete-r" + itoa(runID) }
