package orgsim

import (
	"encoding/json"
	"io"
	"slices"
	"sync"
	"time"
)

// Outcomes in the request log besides "ok" and the GraphQL error codes.
const (
	OutcomeOK             = "ok"
	Outcome429Injected    = "429-injected"
	Outcome503Injected    = "503-injected"
	Outcome504AfterCommit = "504-after-commit"
	OutcomeError          = "error" // a GraphQL error without a code
)

// LogEntry is one request as the simulator saw it.
type LogEntry struct {
	Time time.Time `json:"time"`
	// Token is the caller's label ("token#1"), never the token; "" when unauthenticated.
	Token string `json:"token,omitempty"`
	// Operation is the root fields of the request (createShop, or "organization,shops").
	Operation string `json:"operation,omitempty"`
	// OperationName is the client's name for the operation, if any.
	OperationName  string `json:"operationName,omitempty"`
	OperationType  string `json:"operationType,omitempty"` // query or mutation
	IdempotencyKey string `json:"idempotencyKey,omitempty"`
	Replayed       bool   `json:"replayed,omitempty"`
	Status         int    `json:"status"`
	// Outcome is "ok", the first error's code (NOT_FOUND, ...), "503-injected",
	// "504-after-commit", or the HTTP status of a refusal ("401", "429", "409", "422", ...).
	Outcome string `json:"outcome"`
}

type requestLog struct {
	mu      sync.Mutex
	entries []LogEntry
	out     *json.Encoder // nil without Config.RequestLog
}

func newRequestLog(w io.Writer) *requestLog {
	l := &requestLog{}
	if w != nil {
		l.out = json.NewEncoder(w)
	}
	return l
}

func (l *requestLog) add(e LogEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, e)
	if l.out != nil {
		// The log is a test aid: a full disk must not fail the request it describes.
		_ = l.out.Encode(e)
	}
}

func (l *requestLog) all() []LogEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.entries)
}

// BusiestSecond is the most requests the log holds within any one second: what a rate limit of
// R requests per second with a burst of B must keep at or under R+B.
func BusiestSecond(log []LogEntry) int {
	times := make([]time.Time, len(log))
	for i, e := range log {
		times[i] = e.Time
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	busiest, j := 0, 0
	for i := range times {
		for j < len(times) && times[j].Sub(times[i]) < time.Second {
			j++
		}
		busiest = max(busiest, j-i)
	}
	return busiest
}
