package orgclient

import (
	"context"
	"log/slog"
)

type logAttrsCtx struct{}

// WithLogAttrs tags the platform requests made under ctx in the logs (for example with the row's
// public_id and file line), so a support engineer can follow one store through a verbose run.
func WithLogAttrs(ctx context.Context, attrs ...slog.Attr) context.Context {
	return context.WithValue(ctx, logAttrsCtx{}, append(requestAttrs(ctx), attrs...))
}

func requestAttrs(ctx context.Context) []slog.Attr {
	attrs, _ := ctx.Value(logAttrsCtx{}).([]slog.Attr)
	return attrs[:len(attrs):len(attrs)]
}
