package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
)

func TestJournalWritesExpectTheStateTheWriterLeft(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	e := begin(t, db, importer.Store{PublicID: "a-01", Name: "A", Location: "東京都", Industry: "other"})
	// Another run settled the attempt meanwhile: this one still thinks it is creating.
	e.State = "failed"
	err := db.Record(ctx, e, "creating", now)
	if !errors.Is(err, importer.ErrSuperseded) {
		t.Fatalf("record over another run's state: %v, want ErrSuperseded", err)
	}
	if state := journalState(t, db, e.ID); state != "assigned" {
		t.Errorf("journal says %s after a refused write, want assigned untouched", state)
	}
}

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

// A run that lost its lock can neither begin an attempt nor record or complete one, whatever it
// expects of the entry.
func TestJournalWritesOfALostLockAreRefused(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	fenced := lockedOrg(t, db).Fenced()
	e := begin(t, fenced, importer.Store{PublicID: "a-01", Name: "A", Location: "東京都", Industry: "other"})

	run(t, db, `UPDATE organization_locks SET holder = 'successor'`)

	next := &importer.Entry{RunID: e.RunID, OrganizationID: "org_1", Line: 3, Key: "k-b", State: "creating",
		Store: importer.Store{PublicID: "b-01", Name: "B", Location: "東京都", Industry: "other"}}
	if err := fenced.Begin(ctx, next, now); !errors.Is(err, importer.ErrSuperseded) {
		t.Errorf("begin: %v, want ErrSuperseded", err)
	}
	failed := *e
	failed.State = "compensating"
	if err := fenced.Record(ctx, &failed, "assigned", now); !errors.Is(err, importer.ErrSuperseded) {
		t.Errorf("record: %v, want ErrSuperseded", err)
	}
	shop := &orgclient.Shop{ID: "shop_1", Name: "A", Location: "東京都", CreatedAt: "2026-11-25T09:00:00Z"}
	if err := fenced.Complete(ctx, e, shop, now); !errors.Is(err, importer.ErrSuperseded) {
		t.Errorf("complete: %v, want ErrSuperseded", err)
	}
	if state := journalState(t, db, e.ID); state != "assigned" {
		t.Errorf("journal says %s, want assigned untouched", state)
	}
	if store, _ := db.LookupStore(ctx, "a-01"); store != nil {
		t.Errorf("a run that lost its lock stored %+v", store)
	}
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
