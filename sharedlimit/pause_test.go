package sharedlimit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/acme/storeimport/orgsim"
)

// A 429's Retry-After holds every worker that shares the token's limit, not only the one that
// got it: while one worker's createShop is answered 429 (Retry-After: 1), another's queries
// reach the platform only once the second has passed. A request already past the limit when the
// 429 came may still arrive just after it; none comes later within the pause.
func TestARetryAfterPausesEveryWorker(t *testing.T) {
	db := openDB(t)
	sim, endpoint := platform(t, orgsim.Faults{Rules: []orgsim.Rule{{Op: orgsim.OpCreateShop, Pattern: "^limited$", Action: orgsim.Action429}}})
	limited, other := sharedClient(t, db, endpoint), sharedClient(t, db, endpoint)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() {
		limited.CreateShop(ctx, "key-1", "org_1", "limited", "here")
		cancel()
	})
	wg.Go(func() {
		for i := 0; i < 300 && ctx.Err() == nil; i++ {
			other.Shop(ctx, fmt.Sprintf("shop_%d", i))
		}
	})
	wg.Wait()
	log := sim.Log()
	refused := 0
	for i, e := range log {
		if e.Status != 429 {
			continue
		}
		refused++
		for _, later := range log[i+1:] {
			if gap := later.Time.Sub(e.Time); gap > 100*time.Millisecond && gap < 990*time.Millisecond {
				t.Errorf("a %s reached the platform %v after a 429 with Retry-After: 1", later.Operation, gap)
				break
			}
		}
	}
	if refused < 2 || len(log) == refused {
		t.Fatalf("%d requests, %d answered 429: the test proves nothing", len(log), refused)
	}
}
