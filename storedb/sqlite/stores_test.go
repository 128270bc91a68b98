package sqlite

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

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
