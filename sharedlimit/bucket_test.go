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
// the one rate and burst.
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
			taken := takeTurns(t, bucket, each)
			mu.Lock()
			grants = append(grants, taken...)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.SortFunc(grants, func(a, b time.Time) int { return a.Compare(b) })
	if worst := ratewindow.WorstWindow(grants, perSecond, burst, ratewindow.Jitter); worst != "" {
		t.Error(worst)
	}
}

// Another name is another bucket: a token's limit does not slow another token's workers. Two
// names taking turns at once each keep to the rate, and together go over it, as one bucket
// would not let them.
func TestNamesAreApart(t *testing.T) {
	const perSecond, burst, each = 10.0, 1, 6
	db := openDB(t)
	grants := map[string][]time.Time{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, name := range []string{"token-a", "token-b"} {
		bucket := sharedlimit.New(db.Pool(), name, perSecond, burst)
		wg.Go(func() {
			taken := takeTurns(t, bucket, each)
			mu.Lock()
			grants[name] = taken
			mu.Unlock()
		})
	}
	wg.Wait()
	for name, times := range grants {
		if worst := ratewindow.WorstWindow(times, perSecond, burst, ratewindow.Jitter); worst != "" {
			t.Errorf("%s: %s", name, worst)
		}
	}
	both := slices.SortedFunc(slices.Values(slices.Concat(grants["token-a"], grants["token-b"])), func(a, b time.Time) int { return a.Compare(b) })
	if ratewindow.WorstWindow(both, perSecond, burst, 0) == "" {
		t.Error("two names' turns together kept to one name's rate: one waited for the other")
	}
}
