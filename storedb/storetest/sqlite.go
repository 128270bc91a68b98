package storetest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/storedb/sqlite"
)

// SQLite is a target in a new SQLite file of the test's own.
func SQLite(t *testing.T) Target {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stores.db")
	db := openSQLite(t, path)
	target := Target{
		DB:       db,
		Location: path,
		SQL:      db.SQL(),
		Rebind:   func(query string) string { return query },
		Reopen:   func(t *testing.T) importer.Database { return openSQLite(t, path) },
	}
	target.StealLock = func(t *testing.T, organizationID string) {
		target.Exec(t, `UPDATE organization_locks SET holder = 'successor', pid = 1, host = 'another-host' WHERE platform_org_id = ?`, organizationID)
	}
	target.FailStoreInsert = func(t *testing.T, publicID string) {
		target.Exec(t, `CREATE TRIGGER refuse_store BEFORE INSERT ON stores WHEN NEW.public_id = `+quote(publicID)+`
			BEGIN SELECT RAISE(ABORT, 'injected'); END`)
	}
	target.FailCacheInsert = func(t *testing.T) {
		target.Exec(t, `CREATE TRIGGER refuse_cache BEFORE INSERT ON store_caches BEGIN SELECT RAISE(ABORT, 'injected'); END`)
	}
	return target
}

func openSQLite(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// quote makes a string literal for a trigger, where no placeholder can go.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
