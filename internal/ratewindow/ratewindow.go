// Package ratewindow checks request times against a rate limit, for the tests that measure one.
package ratewindow

import (
	"fmt"
	"time"
)

// Jitter is the slack the tests give a window for how late a turn is stamped: between the
// moment a limiter lets a request go and the moment its time is read (by the test after Wait
// returns, or by the simulator when the request arrives), a goroutine may wait for one of CI's
// two cores while the other test packages run. 5 ms was not enough: a run of make test stamped
// the first of five turns 5 ms late and the window looked 395 ms long for 400 ms of schedule.
const Jitter = 25 * time.Millisecond

// WorstWindow checks sorted request times against a limit of perSecond with a burst of burst:
// every window from one request to a later one of t seconds may hold at most perSecond·t + burst
// requests, give or take slack on t (what the clocks of the sender and the receiver may
// disagree on). It names the first window over, or returns "" when there is none.
func WorstWindow(times []time.Time, perSecond float64, burst int, slack time.Duration) string {
	for i := range times {
		for j := i + 1; j < len(times); j++ {
			span := times[j].Sub(times[i]) + slack
			allowed := perSecond*span.Seconds() + float64(burst)
			if n := j - i + 1; float64(n) > allowed {
				return fmt.Sprintf("%d requests in %v (from %s), over %.1f allowed at %v/s with burst %d",
					n, times[j].Sub(times[i]), times[i].Format("15:04:05.000"), allowed, perSecond, burst)
			}
		}
	}
	return ""
}
