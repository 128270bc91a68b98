package sqlite

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
)

var now = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func openTemp(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stores.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func TestOpenCreatesTheSpecTables(t *testing.T) {
	db, _ := openTemp(t)
	for _, table := range []string{"organizations", "stores", "organization_caches", "store_caches"} {
		var n int
		err := db.SQL().QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&n)
		if err != nil || n != 1 {
			t.Errorf("table %s: found %d (err %v)", table, n, err)
		}
	}
	var mode string
	if err := db.SQL().QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q (err %v), want wal", mode, err)
	}
}

func TestReopenDoesNotMigrateTwice(t *testing.T) {
	db, path := openTemp(t)
	db.Close()
	again, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("second open: %v", err)
	}
	again.Close()
}

// begin journals an attempt at store in state assigned, as the pipeline would before Complete.
func begin(t *testing.T, db importer.Journal, store importer.Store) *importer.Entry {
	t.Helper()
	ctx := context.Background()
	run, err := db.StartRun(ctx, "org_1", "stores.csv", now)
	if err != nil {
		t.Fatal(err)
	}
	e := &importer.Entry{RunID: run, OrganizationID: "org_1", Line: 2, Store: store, Key: "k-" + store.PublicID, State: "creating"}
	if err := db.Begin(ctx, e, now); err != nil {
		t.Fatal(err)
	}
	e.State, e.ShopID = "assigned", "shop_1"
	if err := db.Record(ctx, e, "creating", now); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestCompleteStoresAndLooksUp(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	org := &orgclient.Organization{ID: "org_1", Name: "Acme", ShopLimit: 10}
	if err := db.SaveOrganization(ctx, org, now); err != nil {
		t.Fatal(err)
	}
	org.ShopLimit = 20
	if err := db.SaveOrganization(ctx, org, now); err != nil {
		t.Fatalf("saving the organization again must refresh it: %v", err)
	}
	var limit int
	db.SQL().QueryRow(`SELECT shop_limit FROM organization_caches`).Scan(&limit)
	if limit != 20 {
		t.Errorf("cached shop_limit = %d, want 20", limit)
	}

	store := importer.Store{PublicID: "shibuya-01", Name: "渋谷店", Location: "東京都", Industry: "restaurant"}
	shop := &orgclient.Shop{ID: "shop_1", Name: "渋谷店", Location: "東京都", Services: []string{"RESERVATION"}, CreatedAt: "2026-11-25T09:00:00Z"}
	entry := begin(t, db, store)
	if err := db.Complete(ctx, entry, shop, now); err != nil {
		t.Fatal(err)
	}
	if open, _ := db.Unsettled(ctx, "org_1"); len(open) != 0 {
		t.Errorf("a completed attempt is still unsettled: %+v", open)
	}
	got, err := db.LookupStore(ctx, "shibuya-01")
	if err != nil || got == nil {
		t.Fatalf("LookupStore = %v, %v", got, err)
	}
	if got.OrganizationID != "org_1" || got.PlatformShopID != "shop_1" {
		t.Errorf("LookupStore = %+v", got)
	}
	var phone any
	var services string
	db.SQL().QueryRow(`SELECT s.phone, c.services FROM stores s JOIN store_caches c ON c.store_id = s.id`).Scan(&phone, &services)
	if phone != nil || services != `["RESERVATION"]` {
		t.Errorf("phone = %v, services = %s; want NULL and the shop's services", phone, services)
	}
	if missing, err := db.LookupStore(ctx, "nowhere-01"); missing != nil || err != nil {
		t.Errorf("LookupStore of an unknown id = %v, %v", missing, err)
	}
}

func TestCompleteIsOneTransaction(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	if err := db.SaveOrganization(ctx, &orgclient.Organization{ID: "org_1", Name: "Acme"}, now); err != nil {
		t.Fatal(err)
	}
	// The cache insert fails after the store row went in; the store row must not survive.
	_, err := db.SQL().Exec(`CREATE TRIGGER fail_cache BEFORE INSERT ON store_caches BEGIN SELECT RAISE(ABORT, 'injected'); END`)
	if err != nil {
		t.Fatal(err)
	}
	store := importer.Store{PublicID: "shibuya-01", Name: "n", Location: "l", Industry: "other"}
	entry := begin(t, db, store)
	err = db.Complete(ctx, entry, &orgclient.Shop{ID: "shop_1"}, now)
	if err == nil {
		t.Fatal("Complete succeeded despite the failing trigger")
	}
	var n int
	db.SQL().QueryRow(`SELECT count(*) FROM stores`).Scan(&n)
	if n != 0 {
		t.Errorf("%d stores left after a failed Complete, want 0", n)
	}
	open, err := db.Unsettled(ctx, "org_1")
	if err != nil || len(open) != 1 || open[0].State != "assigned" || open[0].ShopID != "shop_1" {
		t.Errorf("after a failed Complete the journal must still say assigned with the shop: %+v, %v", open, err)
	}
}

func TestReadOnlyCreatesAndChangesNothing(t *testing.T) {
	ctx := context.Background()
	missing := filepath.Join(t.TempDir(), "none.db")
	db, err := OpenReadOnly(ctx, missing)
	if err != nil {
		t.Fatal(err)
	}
	if store, err := db.LookupStore(ctx, "x-01"); store != nil || err != nil {
		t.Errorf("LookupStore on no database = %v, %v", store, err)
	}
	db.Close()
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a read-only open created %s", missing)
	}

	rw, path := openTemp(t)
	rw.SaveOrganization(ctx, &orgclient.Organization{ID: "org_1", Name: "Acme"}, now)
	rw.Close()
	before, _ := os.ReadFile(path)
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.SaveOrganization(ctx, &orgclient.Organization{ID: "org_2", Name: "Other"}, now); err == nil {
		t.Error("a write through a read-only database succeeded")
	}
	ro.Close()
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("the database file changed under a read-only open")
	}
}
