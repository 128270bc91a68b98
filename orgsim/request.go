package orgsim

import (
	"context"
	"sync"
)

// requestState is what the resolvers of one request share with the HTTP layer.
type requestState struct {
	caller *caller
	// injected maps a root field's response key to the error code a fault rule answers there.
	injected map[string]string

	mu      sync.Mutex
	commits []commitEvent
}

type commitEvent struct {
	op string
	n  int
}

// committed records a successful mutation, so the AfterCommit hook can run once the whole
// request is done.
func (rs *requestState) committed(op string, n int) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.commits = append(rs.commits, commitEvent{op: op, n: n})
}

func (rs *requestState) commitEvents() []commitEvent {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.commits
}

type requestKey struct{}

func withRequest(ctx context.Context, rs *requestState) context.Context {
	return context.WithValue(ctx, requestKey{}, rs)
}

// requestFrom returns the request being resolved; the HTTP layer always sets it.
func requestFrom(ctx context.Context) *requestState {
	return ctx.Value(requestKey{}).(*requestState)
}
