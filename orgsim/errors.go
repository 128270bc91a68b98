package orgsim

import (
	"context"
	"errors"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The contract's error codes, found in errors[].extensions.code.
const (
	CodeNotFound          = "NOT_FOUND"
	CodeInvalidInput      = "INVALID_INPUT"
	CodePermissionDenied  = "PERMISSION_DENIED"
	CodeShopLimitExceeded = "SHOP_LIMIT_EXCEEDED"
	CodeInternal          = "INTERNAL"
)

// knownCodes are the codes a fault rule may answer with.
var knownCodes = map[string]bool{
	CodeNotFound:          true,
	CodeInvalidInput:      true,
	CodePermissionDenied:  true,
	CodeShopLimitExceeded: true,
	CodeInternal:          true,
}

// apiError is a failure the platform reports to the client with one of the contract's codes.
type apiError struct {
	code    string
	message string
}

func (e *apiError) Error() string { return e.message }

func errorf(code, format string, args ...any) error {
	return &apiError{code: code, message: fmt.Sprintf(format, args...)}
}

// presentError turns resolver errors into GraphQL errors carrying extensions.code. Anything
// that is not an apiError (or a GraphQL error gqlgen made itself) is a bug in the simulator and
// is reported as INTERNAL, as the real platform would, without leaking its text.
func presentError(ctx context.Context, err error) *gqlerror.Error {
	if ae, ok := errors.AsType[*apiError](err); ok {
		gerr := gqlerror.WrapPath(graphql.GetPath(ctx), ae)
		gerr.Message = ae.message
		gerr.Extensions = map[string]any{"code": ae.code}
		return gerr
	}
	if gerr, ok := errors.AsType[*gqlerror.Error](err); ok {
		return gerr
	}
	gerr := gqlerror.WrapPath(graphql.GetPath(ctx), err)
	gerr.Message = "internal error"
	gerr.Extensions = map[string]any{"code": CodeInternal}
	return gerr
}

// recoverPanic keeps a panicking resolver from taking the server down and answers INTERNAL.
func recoverPanic(_ context.Context, p any) error {
	return errorf(CodeInternal, "internal error: %v", p)
}
