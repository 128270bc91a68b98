package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/storedb/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Target {
		path := filepath.Join(t.TempDir(), "stores.db")
		db := openAt(t, path)
		exec := func(t *testing.T, query string, args ...any) {
			t.Helper()
			if _, err := db.SQL().Exec(query, args...); err != nil {
				t.Fatal(err)
			}
		}
		return storetest.Target{
			DB:     db,
			Reopen: func(t *testing.T) importer.Database { return openAt(t, path) },
			Exec:   exec,
			StealLock: func(t *testing.T, organizationID string) {
				exec(t, `UPDATE organization_locks SET holder = 'successor', pid = 1, host = 'another-host' WHERE platform_org_id = ?`, organizationID)
			},
			FailStoreInsert: func(t *testing.T, publicID string) {
				exec(t, `CREATE TRIGGER refuse_store BEFORE INSERT ON stores WHEN NEW.public_id = '`+strings.ReplaceAll(publicID, "'", "''")+`'
					BEGIN SELECT RAISE(ABORT, 'injected'); END`)
			},
			FailCacheInsert: func(t *testing.T) {
				exec(t, `CREATE TRIGGER refuse_cache BEFORE INSERT ON store_caches BEGIN SELECT RAISE(ABORT, 'injected'); END`)
			},
		}
	})
}

func openAt(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
