package orgclient

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// refuseRedirects is the http.Client's CheckRedirect. The contract has no redirects, and the
// transport sets the bearer token on every request it sends, the redirected ones included, so
// following one would hand the token to whatever the Location names, past what ParseEndpoint
// checked of the endpoint the operator chose: plain http, or another host altogether.
func refuseRedirects(token string) func(*http.Request, []*http.Request) error {
	return func(next *http.Request, _ []*http.Request) error {
		return &redirectError{status: next.Response.StatusCode, target: shownTarget(next.URL, token)}
	}
}

// redirectError is what the http.Client returns, wrapped, instead of following a redirect.
type redirectError struct {
	status int
	target string
}

func (e *redirectError) Error() string {
	return fmt.Sprintf("HTTP %d redirect to %s not followed", e.status, e.target)
}

// classified says, in the operator's terms, where the redirect pointed and what to do about it.
func (e *redirectError) classified(op string) *Error {
	return &Error{Op: op, Kind: ErrRedirected, Status: e.status, Message: "it points to " + e.target +
		"; redirects are not followed, since the token would go with them: set --endpoint to the address the platform really serves"}
}

// shownTarget is as much of the redirect's target as an error may show: scheme, host and path,
// all an endpoint needs, but no user info or query, and not the token, should a server echo it.
func shownTarget(u *url.URL, token string) string {
	return strings.ReplaceAll(u.Scheme+"://"+u.Host+u.Path, token, "[token]")
}
