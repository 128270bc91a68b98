package storetest

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/internal/pgtest"
	"github.com/acme/storeimport/storedb/postgres"
)

// Postgres is a target in a new PostgreSQL database of the test's own, on the server
// STOREIMPORT_TEST_POSTGRES names or the local one (see internal/pgtest).
func Postgres(t *testing.T) Target {
	t.Helper()
	url := pgtest.URL(t)
	db := openPostgres(t, url)
	target := Target{
		DB:       db,
		Location: url,
		SQL:      openPostgresSQL(t, url),
		Rebind:   rebindDollar,
		Reopen:   func(t *testing.T) importer.Database { return openPostgres(t, url) },
	}
	// As when the holder's process died: its session ends, which frees the advisory lock, and
	// another run takes the lock and overwrites the holder row.
	target.StealLock = func(t *testing.T, organizationID string) {
		ctx := context.Background()
		session, err := db.LockSession(ctx, organizationID)
		if err != nil {
			t.Fatal(err)
		}
		if session != 0 {
			target.Exec(t, `SELECT pg_terminate_backend(?, 10000)`, session)
		}
		lock, err := openPostgres(t, url).Lock(ctx, organizationID, "storeimport import (successor)")
		if err != nil {
			t.Fatalf("taking the lock of %s over: %v", organizationID, err)
		}
		t.Cleanup(func() { lock.Release() })
	}
	target.FailStoreInsert = func(t *testing.T, publicID string) {
		target.Exec(t, `CREATE FUNCTION refuse_store() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN IF NEW.public_id = `+quote(publicID)+` THEN RAISE EXCEPTION 'injected'; END IF; RETURN NEW; END $$`)
		target.Exec(t, `CREATE TRIGGER refuse_store BEFORE INSERT ON stores FOR EACH ROW EXECUTE FUNCTION refuse_store()`)
	}
	target.FailCacheInsert = func(t *testing.T) {
		target.Exec(t, `CREATE FUNCTION refuse_cache() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$`)
		target.Exec(t, `CREATE TRIGGER refuse_cache BEFORE INSERT ON store_caches FOR EACH ROW EXECUTE FUNCTION refuse_cache()`)
	}
	return target
}

func openPostgres(t *testing.T, url string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), url, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func openPostgresSQL(t *testing.T, url string) *sql.DB {
	t.Helper()
	config, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDB(*config)
	t.Cleanup(func() { db.Close() })
	return db
}

// rebindDollar numbers a query's ? placeholders $1, $2, … as PostgreSQL wants them, leaving a ?
// inside a string literal alone.
func rebindDollar(query string) string {
	var b strings.Builder
	n, quoted := 0, false
	for _, r := range query {
		switch {
		case r == '\'':
			quoted = !quoted
		case r == '?' && !quoted:
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
