package sharedlimit_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/internal/ratewindow"
	"github.com/acme/storeimport/sharedlimit"
)

// Turns asked for while another transaction holds the bucket's row are timed from when they get
// the row, not from when they asked: otherwise the ones that waited would be scheduled in the
// past, and share their moment with turns asked for after the row was free. A transaction holds
// the row (SELECT … FOR UPDATE) while three turns wait for it, then two more are asked for once
// it lets go; together they keep to the rate.
func TestTurnsThatWaitedForTheRowKeepTheRate(t *testing.T) {
	const perSecond, burst = 10.0, 1
	ctx := context.Background()
	db := openDB(t)
	bucket := sharedlimit.New(db.Pool(), "token-a", perSecond, burst)
	var mu sync.Mutex
	var grants []time.Time
	take := func() {
		if err := bucket.Wait(ctx); err != nil {
			t.Error(err)
			return
		}
		mu.Lock()
		grants = append(grants, time.Now())
		mu.Unlock()
	}
	take()
	// The holder and the count of waiting turns are on connections of their own: the three
	// waiting turns may fill the pool.
	holder, err := pgx.ConnectConfig(ctx, db.Pool().Config().ConnConfig.Copy())
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(ctx)
	watcher, err := pgx.ConnectConfig(ctx, db.Pool().Config().ConnConfig.Copy())
	if err != nil {
		t.Fatal(err)
	}
	defer watcher.Close(ctx)
	tx, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT 1 FROM rate_buckets WHERE name = 'token-a' FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(take)
	}
	for waiting, i := 0, 0; waiting < 3; i++ {
		if i == 100 {
			t.Fatalf("%d turns wait for the row, want 3", waiting)
		}
		time.Sleep(20 * time.Millisecond)
		watcher.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`).Scan(&waiting)
	}
	// Long enough for turns scheduled from when they asked to lie wholly in the past.
	time.Sleep(500 * time.Millisecond)
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		wg.Go(take)
	}
	wg.Wait()
	slices.SortFunc(grants, func(a, b time.Time) int { return a.Compare(b) })
	if worst := ratewindow.WorstWindow(grants[1:], perSecond, burst, ratewindow.Jitter); worst != "" {
		t.Error(worst)
	}
}
