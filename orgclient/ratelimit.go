package orgclient

import (
	"context"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a rate limit: Wait returns once a request may be sent, or when ctx ends.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Pauser is a Limiter shared with other processes that can hold all of their requests too: after
// a 429, the platform's Retry-After is for the token, not for the one process that got it.
type Pauser interface {
	Limiter
	// Pause lets no request through for d from now (by the limit's own clock).
	Pause(ctx context.Context, d time.Duration) error
}

// NewLimiter makes a Limiter of perSecond requests a second with a burst of burst.
type NewLimiter func(perSecond float64, burst int) Limiter

// ownLimiter is a limit this process keeps to itself.
func ownLimiter(perSecond float64, burst int) Limiter {
	return rate.NewLimiter(rate.Limit(perSecond), burst)
}

// limited makes every request that leaves the process, first tries and retries alike, wait on one
// shared token bucket, so the platform never sees more than the configured rate whatever the number
// of workers. After a 429 it also holds every request until the platform's Retry-After has passed:
// the workers back off together instead of each hammering the limit on its own.
type limited struct {
	limiter Limiter
	next    http.RoundTripper

	mu         sync.Mutex
	pauseUntil time.Time
}

func (l *limited) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := l.waitPause(req.Context()); err != nil {
		return nil, &notSentError{err}
	}
	if err := l.limiter.Wait(req.Context()); err != nil {
		return nil, &notSentError{err}
	}
	return l.next.RoundTrip(req)
}

// notSentError is a try that never left the process: its turn of the rate limit could not be
// taken (a limit shared in a database that failed, say). Unlike a try with no answer, it proves
// that this try changed nothing on the platform.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// pause holds all requests for d (the platform asked to retry after it): this process's, and
// those of every process that shares the limit, when it can be paused.
func (l *limited) pause(ctx context.Context, d time.Duration) error {
	l.mu.Lock()
	if t := time.Now().Add(d); t.After(l.pauseUntil) {
		l.pauseUntil = t
	}
	l.mu.Unlock()
	if shared, ok := l.limiter.(Pauser); ok {
		return shared.Pause(ctx, d)
	}
	return nil
}

func (l *limited) waitPause(ctx context.Context) error {
	l.mu.Lock()
	d := time.Until(l.pauseUntil)
	l.mu.Unlock()
	return sleep(ctx, d)
}
