package orgclient

import (
	"errors"
	"fmt"
)

// The kinds of failure the importer decides on. Match them with errors.Is; never compare messages.
var (
	ErrNotFound          = errors.New("not found on the platform")
	ErrInvalidInput      = errors.New("rejected by the platform's rules")
	ErrPermissionDenied  = errors.New("the token may not touch this organization")
	ErrShopLimitExceeded = errors.New("the organization's shop limit is reached")
	ErrInternal          = errors.New("the platform failed internally")
	ErrUnauthenticated   = errors.New("the platform refused the token")
	ErrRateLimited       = errors.New("the platform kept rate limiting the requests")
	// ErrUnavailable covers 502/503/504, timeouts and dropped connections that outlasted the retries.
	// For a mutation it proves nothing: the platform may have committed it.
	ErrUnavailable = errors.New("the platform did not answer")
	// ErrProtocol is an answer the contract does not allow (for example a 422 for a reused
	// idempotency key), which means a bug here or on the platform, not bad data.
	ErrProtocol = errors.New("the platform's answer breaks its contract")
	// ErrRedirected is a redirect from the endpoint, which is never followed: the token would go
	// with it. The request went no further than what answered at the endpoint, so nothing was
	// processed, and every further request would be sent the same way.
	ErrRedirected = errors.New("the platform endpoint answered with a redirect")
	// ErrNotSent is a call none of whose tries left this process (its rate limit failed): the
	// platform changed nothing.
	ErrNotSent = errors.New("the request was not sent")
)

// codeKinds maps errors[].extensions.code to the kinds above.
var codeKinds = map[string]error{
	"NOT_FOUND":           ErrNotFound,
	"INVALID_INPUT":       ErrInvalidInput,
	"PERMISSION_DENIED":   ErrPermissionDenied,
	"SHOP_LIMIT_EXCEEDED": ErrShopLimitExceeded,
	"INTERNAL":            ErrInternal,
}

// Error is a failed platform call: which operation, what kind of failure, and the platform's own
// words where it gave any. It never holds the token or a request body.
type Error struct {
	Op      string // the platform's field, e.g. "createShop"
	Kind    error  // one of the Err* values
	Message string // the platform's message, if any
	Status  int    // HTTP status of the last attempt, 0 when none arrived
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s: %v", e.Op, e.Kind)
	if e.Status != 0 && e.Status != 200 {
		msg += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Kind }

// OutcomeUnknown reports whether err leaves open whether a mutation took effect on the platform:
// the contract says such failures prove nothing, so the caller must treat the change as possible.
// An answer that breaks the contract (a 422 for a replayed key, say) proves nothing either.
func OutcomeUnknown(err error) bool {
	return errors.Is(err, ErrUnavailable) || errors.Is(err, ErrInternal) || errors.Is(err, ErrProtocol)
}
