package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/internal/pgtest"
	"github.com/acme/storeimport/orgclient"
)

var now = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// openTemp opens a fresh database of this test's own for writing.
func openTemp(t *testing.T) (*DB, string) {
	t.Helper()
	url := pgtest.URL(t)
	return openAt(t, url, ""), url
}

func openAt(t *testing.T, url, schema string) *DB {
	t.Helper()
	db, err := Open(context.Background(), url, schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// run runs a statement directly, as an operator or a fault would.
func run(t *testing.T, db *DB, query string, args ...any) {
	t.Helper()
	if _, err := db.pool.Exec(context.Background(), query, args...); err != nil {
		t.Fatal(err)
	}
}

func TestOpenCreatesTheSpecTablesInPostgresTypes(t *testing.T) {
	db, url := openTemp(t)
	for _, table := range []string{"organizations", "stores", "organization_caches", "store_caches",
		"import_runs", "import_rows", "organization_locks", "fingerprint_key"} {
		var n int
		err := db.pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = $1`, table).Scan(&n)
		if err != nil || n != 1 {
			t.Errorf("table %s: found %d (err %v)", table, n, err)
		}
	}
	for column, want := range map[string]string{
		"stores.id": "bigint", "stores.created_at": "timestamp with time zone", "store_caches.services": "jsonb",
		"import_rows.state": "text", "organization_locks.started_at": "timestamp with time zone",
	} {
		table, name, _ := strings.Cut(column, ".")
		var got string
		err := db.pool.QueryRow(context.Background(), `SELECT data_type FROM information_schema.columns
			WHERE table_schema = 'public' AND table_name = $1 AND column_name = $2`, table, name).Scan(&got)
		if err != nil || got != want {
			t.Errorf("%s is %q (err %v), want %s", column, got, err, want)
		}
	}
	db.Close()
	again, err := Open(context.Background(), url, "")
	if err != nil {
		t.Fatalf("second open: %v", err)
	}
	again.Close()
}

func TestJournalStatesAreChecked(t *testing.T) {
	db, _ := openTemp(t)
	e := begin(t, db, importer.Store{PublicID: "a-01", Name: "A", Location: "東京都", Industry: "other"})
	_, err := db.pool.Exec(context.Background(), `UPDATE import_rows SET state = 'pending' WHERE id = $1`, e.ID)
	if err == nil || !strings.Contains(err.Error(), "check constraint") {
		t.Errorf("a state the journal never holds was written: %v", err)
	}
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
	db.pool.QueryRow(ctx, `SELECT shop_limit FROM organization_caches`).Scan(&limit)
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
	attempts, err := db.Attempts(ctx, "org_1")
	if err != nil || len(attempts) != 1 || attempts[0].State != "done" || !attempts[0].BeganAt.Equal(now) || attempts[0].BeganAt.Location() != time.UTC {
		t.Errorf("Attempts = %+v, %v; want the one attempt, done, begun at %v UTC", attempts, err, now)
	}
	got, err := db.LookupStore(ctx, "shibuya-01")
	if err != nil || got == nil {
		t.Fatalf("LookupStore = %v, %v", got, err)
	}
	want := importer.LocalStore{PublicID: "shibuya-01", OrganizationID: "org_1", PlatformShopID: "shop_1", Imported: store}
	if *got != want {
		t.Errorf("LookupStore = %+v, want %+v", got, want)
	}
	if publicID, err := db.StoreOfShop(ctx, "shop_1"); publicID != "shibuya-01" || err != nil {
		t.Errorf("StoreOfShop = %q, %v", publicID, err)
	}
	var phone *string
	var services string
	db.pool.QueryRow(ctx, `SELECT s.phone, c.services FROM stores s JOIN store_caches c ON c.store_id = s.id`).Scan(&phone, &services)
	if phone != nil || services != `["RESERVATION"]` {
		t.Errorf("phone = %v, services = %s; want NULL and the shop's services", phone, services)
	}
	if missing, err := db.LookupStore(ctx, "nowhere-01"); missing != nil || err != nil {
		t.Errorf("LookupStore of an unknown id = %v, %v", missing, err)
	}
	linked, err := db.LinkedStores(ctx, "org_1")
	if err != nil || len(linked) != 1 || linked[0].CacheName != "渋谷店" || len(linked[0].CacheServices) != 1 {
		t.Errorf("LinkedStores = %+v, %v", linked, err)
	}
}

func TestCompleteIsOneTransaction(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	if err := db.SaveOrganization(ctx, &orgclient.Organization{ID: "org_1", Name: "Acme"}, now); err != nil {
		t.Fatal(err)
	}
	// The cache insert fails after the store row went in; the store row must not survive.
	run(t, db, `CREATE FUNCTION fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$`)
	run(t, db, `CREATE TRIGGER fail_cache BEFORE INSERT ON store_caches FOR EACH ROW EXECUTE FUNCTION fail()`)
	store := importer.Store{PublicID: "shibuya-01", Name: "n", Location: "l", Industry: "other"}
	entry := begin(t, db, store)
	err := db.Complete(ctx, entry, &orgclient.Shop{ID: "shop_1"}, now)
	if err == nil {
		t.Fatal("Complete succeeded despite the failing trigger")
	}
	var n int
	db.pool.QueryRow(ctx, `SELECT count(*) FROM stores`).Scan(&n)
	if n != 0 {
		t.Errorf("%d stores left after a failed Complete, want 0", n)
	}
	open, err := db.Unsettled(ctx, "org_1")
	if err != nil || len(open) != 1 || open[0].State != "assigned" || open[0].ShopID != "shop_1" {
		t.Errorf("after a failed Complete the journal must still say assigned with the shop: %+v, %v", open, err)
	}
}

// The platform's createdAt is a String in its schema: whatever it says is cached as said.
func TestCompleteCachesAnyCreatedAt(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	if err := db.SaveOrganization(ctx, &orgclient.Organization{ID: "org_1", Name: "Acme"}, now); err != nil {
		t.Fatal(err)
	}
	entry := begin(t, db, importer.Store{PublicID: "shibuya-01", Name: "n", Location: "l", Industry: "other"})
	if err := db.Complete(ctx, entry, &orgclient.Shop{ID: "shop_1", CreatedAt: "yesterday"}, now); err != nil {
		t.Fatalf("Complete with a createdAt that is no timestamp: %v", err)
	}
}

func TestFingerprintKeyIsMadeOnceAndKept(t *testing.T) {
	db, url := openTemp(t)
	ctx := context.Background()
	first, err := db.FingerprintKey(ctx)
	if err != nil || len(first) < 16 {
		t.Fatalf("FingerprintKey = %x, %v", first, err)
	}
	again, err := openAt(t, url, "").FingerprintKey(ctx)
	if err != nil || string(again) != string(first) {
		t.Errorf("another open got key %x (%v), want %x", again, err, first)
	}
}
