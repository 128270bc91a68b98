package orgclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// errEarlierAttemptUnanswered ends a call whose earlier attempt may have been committed but whose
// last attempt was refused (a 429, a 401 after a token rotation, a 422...): a refusal of the last
// attempt says nothing of the earlier one, so the outcome is still unknown.
var errEarlierAttemptUnanswered = errors.New("an earlier attempt got no answer, so the change may have been made")

// retrying resends a request that failed in a way the contract calls safe to retry: 429 (after its
// Retry-After), 502/503/504, 409 (the same idempotency key still in flight), timeouts and dropped
// connections. A mutation's retries carry the same Idempotency-Key, so the platform replays its kept
// answer instead of applying the change twice.
type retrying struct {
	next        http.RoundTripper
	limits      *limited
	maxAttempts int
	baseBackoff time.Duration
	maxBackoff  time.Duration
	log         *slog.Logger
	stats       *Stats
}

func (r *retrying) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := readBody(req)
	if err != nil {
		return nil, err
	}
	op := operationName(body)
	key := idempotencyKey(req.Context())
	unanswered := false
	for attempt := 1; ; attempt++ {
		try := req.Clone(req.Context())
		try.Body = io.NopCloser(bytes.NewReader(body))
		try.ContentLength = int64(len(body))
		if key != "" {
			try.Header.Set("Idempotency-Key", key)
		}
		start := time.Now()
		resp, err := r.next.RoundTrip(try)
		var notSent *notSentError
		sent := !errors.As(err, &notSent)
		if sent {
			r.stats.Requests.Add(1)
		}
		r.logAttempt(req, op, key, attempt, resp, err, time.Since(start))

		wait, retry := r.verdict(req.Context(), resp, err, attempt)
		if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
			r.stats.RateLimited.Add(1)
		}
		if !retry || req.Context().Err() != nil {
			// A last answer that proves nothing either is reported as it is, with its status.
			if unanswered && resp != nil && resp.StatusCode != http.StatusOK && !proveNothing(resp, nil) {
				resp.Body.Close()
				return nil, errEarlierAttemptUnanswered
			}
			if unanswered && !sent {
				return nil, errEarlierAttemptUnanswered
			}
			return resp, err
		}
		if sent && proveNothing(resp, err) {
			unanswered = true
			noteUnanswered(req.Context())
		}
		if resp != nil {
			resp.Body.Close()
		}
		r.stats.Retries.Add(1)
		if err := sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

// verdict says whether to try again and after how long.
func (r *retrying) verdict(ctx context.Context, resp *http.Response, err error, attempt int) (time.Duration, bool) {
	if attempt >= r.maxAttempts {
		return 0, false
	}
	backoff := r.backoff(attempt)
	switch {
	case err != nil:
		return backoff, true
	case resp.StatusCode == http.StatusTooManyRequests:
		after := retryAfter(resp)
		if err := r.limits.pause(ctx, after); err != nil {
			// This process waits all the same; the others may meet a 429 of their own.
			r.log.Warn("could not hold the other workers' requests for the platform's Retry-After", "error", err)
		}
		return max(after, backoff), true
	case resp.StatusCode == http.StatusConflict, proveNothing(resp, nil):
		return backoff, true
	}
	return 0, false
}

// proveNothing is true for the failures after which a mutation may or may not have been committed.
func proveNothing(resp *http.Response, err error) bool {
	if err != nil {
		return true
	}
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout, http.StatusConflict:
		return true
	}
	return false
}

// backoff grows exponentially with "equal jitter": never shorter than half the step, so retries
// stay spaced, and spread over the other half, so workers that failed together do not retry in step.
func (r *retrying) backoff(attempt int) time.Duration {
	step := r.baseBackoff << min(attempt-1, 20)
	if step > r.maxBackoff || step <= 0 {
		step = r.maxBackoff
	}
	return step/2 + rand.N(step/2+1)
}

// retryAfter reads the whole seconds the contract promises; a missing or odd value means one second.
func retryAfter(resp *http.Response) time.Duration {
	secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || secs < 1 {
		secs = 1
	}
	return time.Duration(secs) * time.Second
}

func (r *retrying) logAttempt(req *http.Request, op, key string, attempt int, resp *http.Response, err error, took time.Duration) {
	attrs := []slog.Attr{
		slog.String("operation", op),
		slog.Int("attempt", attempt),
		slog.Duration("duration", took),
	}
	if key != "" {
		attrs = append(attrs, slog.String("idempotency_key", key))
	}
	attrs = append(attrs, requestAttrs(req.Context())...)
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
		if resp.Header.Get("Idempotent-Replayed") == "true" {
			attrs = append(attrs, slog.Bool("replayed", true))
		}
	}
	r.log.LogAttrs(req.Context(), slog.LevelDebug, "platform request", attrs...)
}

func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil {
		return nil, nil
	}
	defer req.Body.Close()
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the request to send: %w", err)
	}
	return body, nil
}

// operationName is read from the body only to label logs; the body itself is never logged.
func operationName(body []byte) string {
	var envelope struct {
		OperationName string `json:"operationName"`
	}
	if json.Unmarshal(body, &envelope) != nil || envelope.OperationName == "" {
		return "unknown"
	}
	return envelope.OperationName
}

// sleep waits d, or less if ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stats counts what the client sent, for the run's closing summary.
type Stats struct {
	Requests    atomic.Int64 // attempts that left the process
	Retries     atomic.Int64
	RateLimited atomic.Int64 // 429 answers seen
}
