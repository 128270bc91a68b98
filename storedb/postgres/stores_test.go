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

// Completing an attempt of an organization the database does not know changes nothing: the
// journal is not marked done without its store.
func TestCompleteOfAnUnknownOrganizationChangesNothing(t *testing.T) {
	db, _ := openTemp(t)
	entry := begin(t, db, importer.Store{PublicID: "shibuya-01", Name: "n", Location: "l", Industry: "other"})
	err := db.Complete(context.Background(), entry, &orgclient.Shop{ID: "shop_1"}, now)
	if err == nil || !strings.Contains(err.Error(), "organization org_1 is not in the database") {
		t.Errorf("Complete without the organization: %v", err)
	}
	if state := journalState(t, db, entry.ID); state != "assigned" {
		t.Errorf("journal says %s, want assigned untouched", state)
	}
}
