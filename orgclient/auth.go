package orgclient

import "net/http"

// bearer adds the token to each request. The token lives only here: it is never logged, and errors
// are built from statuses and the platform's messages, never from requests.
type bearer struct {
	token string
	next  http.RoundTripper
}

func (b *bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(req)
}
