package orgclient

import "context"

type idempotencyKeyCtx struct{}

// withIdempotencyKey marks a mutation's requests with key. It rides on the context so that the
// retrying transport, not each call site, puts it on every attempt: a retry after an ambiguous
// failure then gets the platform's kept answer instead of making a second shop.
func withIdempotencyKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, idempotencyKeyCtx{}, key)
}

func idempotencyKey(ctx context.Context) string {
	key, _ := ctx.Value(idempotencyKeyCtx{}).(string)
	return key
}

type callStateCtx struct{}

// callState is what the retrying transport learned of one call's tries, for classify to read.
type callState struct {
	unanswered bool // some try got no answer that proves anything, so the change may have been made
}

// withCallState gives a mutation's call a callState that its tries report into.
func withCallState(ctx context.Context) (context.Context, *callState) {
	state := &callState{}
	return context.WithValue(ctx, callStateCtx{}, state), state
}

// noteUnanswered records, for the call ctx belongs to, that a try got no answer proving anything.
func noteUnanswered(ctx context.Context) {
	if state, ok := ctx.Value(callStateCtx{}).(*callState); ok {
		state.unanswered = true
	}
}
