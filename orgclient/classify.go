package orgclient

import (
	"context"
	"errors"
	"net/http"

	"github.com/Khan/genqlient/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// classify turns whatever the GraphQL client returned into an *Error whose Kind the importer can
// decide on. Context cancellation is passed through untouched: the caller stopped, not the platform.
func classify(op string, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	if errors.Is(err, errEarlierAttemptUnanswered) {
		return &Error{Op: op, Kind: ErrUnavailable, Message: errEarlierAttemptUnanswered.Error()}
	}
	var notSent *notSentError
	if errors.As(err, &notSent) {
		return &Error{Op: op, Kind: ErrNotSent, Message: notSent.Error()}
	}
	var redirect *redirectError
	if errors.As(err, &redirect) {
		return redirect.classified(op)
	}
	var httpErr *graphql.HTTPError
	if errors.As(err, &httpErr) {
		return &Error{Op: op, Kind: statusKind(httpErr.StatusCode), Status: httpErr.StatusCode}
	}
	var gqlErrs gqlerror.List
	if errors.As(err, &gqlErrs) && len(gqlErrs) > 0 {
		return fromGraphQLError(op, gqlErrs[0])
	}
	// Timeouts, refused or dropped connections, unreadable answers: nothing proves what happened.
	return &Error{Op: op, Kind: ErrUnavailable, Message: err.Error()}
}

func statusKind(status int) error {
	switch {
	case status == http.StatusUnauthorized:
		return ErrUnauthenticated
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status == http.StatusConflict, status >= 500:
		return ErrUnavailable
	}
	return ErrProtocol
}

func fromGraphQLError(op string, e *gqlerror.Error) error {
	code, _ := e.Extensions["code"].(string)
	kind, known := codeKinds[code]
	if !known {
		kind = ErrProtocol
	}
	return &Error{Op: op, Kind: kind, Message: e.Message, Status: http.StatusOK}
}
