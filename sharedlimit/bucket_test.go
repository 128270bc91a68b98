package sharedlimit_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/pgtest"
	"github.com/acme/storeimport/internal/ratewindow"
	"github.com/acme/storeimport/sharedlimit"
	"github.com/acme/storeimport/storedb/postgres"
)

// Three processes' worth of buckets (a pool each) draw on one name: together they stay within
// the one rate and burst, and they do get the rate, not less.
func TestThreeHoldersShareOneLimit(t *testing.T) {
	const perSecond, burst, each = 40.0, 3, 20
	url := pgtest.URL(t)
	var mu sync.Mutex
	var grants []time.Time
	var wg sync.WaitGroup
	for range 3 {
		db, err := postgres.Open(context.Background(), url, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		bucket := sharedlimit.New(db.Pool(), "token-a", perSecond, burst)
		wg.Go(func() {
			for range each {
				if err := bucket.Wait(context.Background()); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				grants = append(grants, time.Now())
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.SortFunc(grants, func(a, b time.Time) int { return a.Compare(b) })
	if worst := ratewindow.WorstWindow(grants, perSecond, burst, 5*time.Millisecond); worst != "" {
		t.Error(worst)
	}
	took := grants[len(grants)-1].Sub(grants[0]).Seconds()
	if want := float64(3*each-burst) / perSecond; took < want*0.95 || took > want*1.5 {
		t.Errorf("%d grants took %.2fs, want about %.2fs at %v/s", len(grants), took, want, perSecond)
	}
}

// Another name is another bucket: a token's limit does not slow another token's workers.
func TestNamesAreApart(t *testing.T) {
	db, err := postgres.Open(context.Background(), pgtest.URL(t), "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, b := sharedlimit.New(db.Pool(), "token-a", 1, 1), sharedlimit.New(db.Pool(), "token-b", 1, 1)
	start := time.Now()
	for _, bucket := range []*sharedlimit.Bucket{a, b} {
		if err := bucket.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("the first turns of two names took %v: one waited for the other", took)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := a.Wait(ctx); err == nil {
		t.Error("a second turn at 1 request a second came within 200 ms")
	}
}
