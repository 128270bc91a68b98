package jobs_test

import (
	"strings"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/e2etest"
)

// A worker started with another --rate or --burst than the workers already sharing its token's
// limit is refused at start, exit 2, with a message naming both.
func TestWorkerWithOtherRateIsRefused(t *testing.T) {
	q := newQueue(t, e2etest.Org)
	q.startWorker("20", "1")
	for i := 0; ; i++ {
		var settings string
		if q.store.SQL.QueryRow(`SELECT settings FROM rate_buckets`).Scan(&settings) == nil {
			break
		}
		if i == 100 {
			t.Fatal("the first worker did not set the shared limit within 10 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	other := q.startWorker("10", "1")
	select {
	case <-other.exited:
	case <-time.After(20 * time.Second):
		t.Fatal("a worker with another --rate was not refused within 20 s")
	}
	stderr := other.stderr.String()
	if code := other.cmd.ProcessState.ExitCode(); code != 2 ||
		!strings.Contains(stderr, "run with --rate 20 --burst 1") || !strings.Contains(stderr, "this one has --rate 10 --burst 1") {
		t.Errorf("a worker with --rate 10 beside one with --rate 20: exit %d, want 2 naming both\n%s", code, stderr)
	}
}
