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
