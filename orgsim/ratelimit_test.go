package orgsim

import (
	"net/http"
	"testing"
	"time"
)

func TestRateLimitAnswers429WithRetryAfterAndProcessesNothing(t *testing.T) {
	clock := newFakeClock()
	cfg := baseConfig(clock)
	cfg.RateLimit = RateLimit{RPS: 0.25, Burst: 2} // a token every 4s
	sim, url := startSim(t, cfg)

	mustCreate(t, url, tokenA, "org_a", "one")
	mustCreate(t, url, tokenA, "org_a", "two")
	r := do(t, url, createReq(tokenA, "org_a", "three"))
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("third request in the same instant: %d, want 429", r.status)
	}
	if got := r.header.Get("Retry-After"); got != "4" {
		t.Errorf("Retry-After %q, want 4", got)
	}
	if n := len(sim.Shops("org_a", true)); n != 2 {
		t.Errorf("%d shops after a 429, want 2", n)
	}

	// Another token has its own bucket.
	mustCreate(t, url, tokenB, "org_b", "b")

	// A refused request spends nothing: 3.5s later the wait is half a second, said as 1.
	clock.Advance(3500 * time.Millisecond)
	r = do(t, url, createReq(tokenA, "org_a", "three"))
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" {
		t.Fatalf("at 3.5s: %d Retry-After %q, want 429 and 1", r.status, r.header.Get("Retry-After"))
	}
	clock.Advance(500 * time.Millisecond)
	mustCreate(t, url, tokenA, "org_a", "three")

	var refused int
	for _, e := range sim.Log() {
		if e.Outcome == "429" {
			refused++
			if e.Status != http.StatusTooManyRequests || e.Token != "token#1" {
				t.Errorf("429 log entry %+v", e)
			}
		}
	}
	if refused != 2 {
		t.Errorf("%d logged 429s, want 2", refused)
	}
}

func TestUnauthenticatedRequestsDoNotSpendTheBucket(t *testing.T) {
	cfg := baseConfig(newFakeClock())
	cfg.RateLimit = RateLimit{RPS: 1, Burst: 1}
	_, url := startSim(t, cfg)
	for range 3 {
		if r := do(t, url, createReq("wrong", "org_a", "x")); r.status != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", r.status)
		}
	}
	mustCreate(t, url, tokenA, "org_a", "x")
}

func TestRetryAfterSeconds(t *testing.T) {
	cases := map[time.Duration]int{
		time.Millisecond:        1,
		time.Second:             1,
		time.Second + 1:         2,
		2500 * time.Millisecond: 3,
	}
	for wait, want := range cases {
		if got := retryAfterSeconds(wait); got != want {
			t.Errorf("retryAfterSeconds(%v) = %d, want %d", wait, got, want)
		}
	}
}
