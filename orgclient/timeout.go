package orgclient

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"
)

// timed bounds one attempt, response body included: a platform that accepts the connection and
// then stalls must turn into a retry, not a hung import. The body is read inside the deadline, so
// the caller gets it from memory (the platform's answers are small).
type timed struct {
	timeout time.Duration
	next    http.RoundTripper
}

func (t *timed) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	defer cancel()
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// maxResponseBytes caps what one answer may hold; a 500-shop page is well under it.
const maxResponseBytes = 32 << 20
