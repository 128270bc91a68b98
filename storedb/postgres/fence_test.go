package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
)

// lockedOrg saves org_1 and takes its lock, released when the test ends.
func lockedOrg(t *testing.T, db *DB) importer.Lock {
	t.Helper()
	ctx := context.Background()
	if err := db.SaveOrganization(ctx, &orgclient.Organization{ID: "org_1", Name: "Acme", ShopLimit: 10}, now); err != nil {
		t.Fatal(err)
	}
	lock, err := db.Lock(ctx, "org_1", "storeimport import")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lock.Release() })
	return lock
}

// A journal write that meets a takeover under way waits for it, and is refused once it is done:
// it must not pass on the holder row as it was when the write began.
func TestJournalWriteDuringATakeoverIsRefused(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	fenced := lockedOrg(t, db).Fenced()
	e := begin(t, fenced, importer.Store{PublicID: "a-01", Name: "A", Location: "東京都", Industry: "other"})

	takeover, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer takeover.Rollback(ctx)
	if _, err := takeover.Exec(ctx, `UPDATE organization_locks SET holder = 'successor'`); err != nil {
		t.Fatal(err)
	}
	written := make(chan error, 1)
	go func() {
		e.State = "compensating"
		written <- fenced.Record(ctx, e, "assigned", now)
	}()
	select {
	case err := <-written:
		t.Fatalf("the write did not wait for the takeover under way: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := takeover.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-written; !errors.Is(err, importer.ErrSuperseded) {
		t.Errorf("a write that waited for a takeover: %v, want ErrSuperseded", err)
	}
	if state := journalState(t, db, e.ID); state != "assigned" {
		t.Errorf("journal says %s, want assigned untouched", state)
	}
}

func journalState(t *testing.T, db *DB, id int64) string {
	t.Helper()
	var state string
	if err := db.pool.QueryRow(context.Background(), `SELECT state FROM import_rows WHERE id = $1`, id).Scan(&state); err != nil {
		t.Fatal(err)
	}
	return state
}
