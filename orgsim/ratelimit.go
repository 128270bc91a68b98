package orgsim

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// rateLimiter is a token bucket per caller. It is driven by the simulator's clock rather than
// the wall clock, so tests can step a fake clock instead of sleeping.
type rateLimiter struct {
	mu      sync.Mutex
	limit   rate.Limit
	burst   int
	buckets map[string]*rate.Limiter
}

// newRateLimiter returns nil, meaning no limit, when the rate is 0.
func newRateLimiter(rl RateLimit) *rateLimiter {
	if rl.RPS <= 0 {
		return nil
	}
	burst := rl.Burst
	if burst <= 0 {
		burst = max(1, int(math.Ceil(rl.RPS)))
	}
	return &rateLimiter{limit: rate.Limit(rl.RPS), burst: burst, buckets: map[string]*rate.Limiter{}}
}

// take spends one token of the caller's bucket at now. When the bucket is empty it spends
// nothing and says how long until a token is there.
func (rl *rateLimiter) take(caller string, now time.Time) (wait time.Duration, ok bool) {
	if rl == nil {
		return 0, true
	}
	rl.mu.Lock()
	b, found := rl.buckets[caller]
	if !found {
		b = rate.NewLimiter(rl.limit, rl.burst)
		rl.buckets[caller] = b
	}
	rl.mu.Unlock()
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}

// retryAfterSeconds is a wait as the whole seconds of a Retry-After header: rounded up, so a
// client that obeys it finds a token, and at least 1.
func retryAfterSeconds(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}
