package postgres

import (
	"context"
	"io/fs"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/internal/pgtest"
	"github.com/acme/storeimport/orgclient"
	"github.com/acme/storeimport/schema"
)

// tables lists the tables of the database at target, in whatever schema, but the server's own.
func tables(t *testing.T, target string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, _ := conn.Query(ctx, `SELECT schemaname || '.' || tablename FROM pg_tables
		WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestReadOnlyCreatesAndChangesNothing(t *testing.T) {
	ctx := context.Background()
	empty := pgtest.URL(t)
	missing, _ := url.Parse(empty)
	missing.Path += "_never_made"
	for _, target := range []struct{ url, schema string }{{empty, ""}, {empty, "storeimport"}, {missing.String(), ""}} {
		db, err := OpenReadOnly(ctx, target.url, target.schema)
		if err != nil {
			t.Fatalf("read-only open of %s (schema %q): %v", Redact(target.url), target.schema, err)
		}
		if store, err := db.LookupStore(ctx, "x-01"); store != nil || err != nil {
			t.Errorf("LookupStore on no tables = %v, %v", store, err)
		}
		if open, err := db.Unsettled(ctx, "org_1"); open != nil || err != nil {
			t.Errorf("Unsettled on no tables = %v, %v", open, err)
		}
		if err := db.SaveOrganization(ctx, &orgclient.Organization{ID: "org_1", Name: "Acme"}, now); err == nil {
			t.Error("a write through a read-only database succeeded")
		}
		if _, err := db.Lock(ctx, "org_1", "storeimport import"); err == nil {
			t.Error("a read-only database gave a lock")
		}
		db.Close()
	}
	if made := tables(t, empty); len(made) != 0 {
		t.Errorf("read-only opens made %v", made)
	}
	var schemas int
	conn, _ := pgx.Connect(ctx, empty)
	conn.QueryRow(ctx, `SELECT count(*) FROM pg_namespace WHERE nspname = 'storeimport'`).Scan(&schemas)
	conn.Close(ctx)
	if schemas != 0 {
		t.Error("a read-only open created the schema it was given")
	}

	rw, target := openTemp(t)
	if err := rw.SaveOrganization(ctx, &orgclient.Organization{ID: "org_1", Name: "Acme"}, now); err != nil {
		t.Fatal(err)
	}
	ro, err := OpenReadOnly(ctx, target, "")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.SaveOrganization(ctx, &orgclient.Organization{ID: "org_2", Name: "Other"}, now); err == nil {
		t.Error("a write through a read-only database succeeded")
	}
	// Past the package's own refusal, the server refuses too.
	if _, err := ro.pool.Exec(ctx, `DELETE FROM organizations`); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("a statement of a read-only database wrote: %v", err)
	}
}

// First runs started together migrate once, one after the other: none fails.
func TestConcurrentMigrationsAreSafe(t *testing.T) {
	ctx := context.Background()
	target := pgtest.URL(t)
	for _, schema := range []string{"", "storeimport"} {
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				db, err := Open(ctx, target, schema)
				if err == nil {
					db.Close()
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("schema %q: an open racing others: %v", schema, err)
			}
		}
	}
	var versions int
	conn, _ := pgx.Connect(ctx, target)
	defer conn.Close(ctx)
	conn.QueryRow(ctx, `SELECT count(*) FROM storeimport.goose_db_version WHERE version_id > 0`).Scan(&versions)
	migrations, err := fs.Glob(schema.Migrations, "migrations/postgres/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if versions != len(migrations) {
		t.Errorf("the schema's migrations were recorded %d times, want each of the %d once", versions, len(migrations))
	}
	var queue bool
	conn.QueryRow(ctx, `SELECT to_regclass('storeimport.river_job') IS NOT NULL`).Scan(&queue)
	if !queue {
		t.Error("River's tables are not in the stores' schema")
	}
}

// The tables may live in a schema of their own, named by the option (created if missing) or by
// the search_path of the target; a search_path naming no schema is refused, not ignored.
func TestTablesInASchemaOfTheirOwn(t *testing.T) {
	ctx := context.Background()
	target := pgtest.URL(t)
	db := openAt(t, target, "Store Import")
	if err := db.SaveOrganization(ctx, &orgclient.Organization{ID: "org_1", Name: "Acme"}, now); err != nil {
		t.Fatal(err)
	}
	lock, err := db.Lock(ctx, "org_1", "storeimport import")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	if got := strings.Join(tables(t, target), " "); !strings.Contains(got, "Store Import.organizations") || strings.Contains(got, "public.") {
		t.Errorf("tables: %s; want them in schema Store Import alone", got)
	}

	run(t, db, `CREATE SCHEMA elsewhere`)
	viaPath := openAt(t, target+"&search_path=elsewhere", "")
	if viaPath.schema != "elsewhere" {
		t.Errorf("search_path in the URL put the tables in %q", viaPath.schema)
	}
	// Another schema's lock of the same organization is another lock.
	other, err := viaPath.Lock(ctx, "org_1", "storeimport import")
	if err != nil {
		t.Errorf("org_1 locked in schema Store Import blocks it in schema elsewhere: %v", err)
	} else {
		other.Release()
	}
	_, err = Open(ctx, target+"&search_path=nowhere", "")
	if err == nil || !strings.Contains(err.Error(), `schema "nowhere", which the target's search_path names, does not exist`) {
		t.Errorf("a search_path naming no schema: %v", err)
	}
}

// A role an administrator gave a schema of its own needs no right to create schemas.
func TestOpenInAGivenSchemaNeedsNoCreateOnTheDatabase(t *testing.T) {
	target := pgtest.URL(t)
	admin := openAt(t, target, "")
	role := "storeimport_" + strings.TrimPrefix(admin.pool.Config().ConnConfig.Database, "storeimport_test_")
	run(t, admin, `CREATE ROLE `+role+` LOGIN`)
	t.Cleanup(func() { admin.pool.Exec(context.Background(), `DROP OWNED BY `+role+`; DROP ROLE `+role) })
	run(t, admin, `REVOKE CREATE ON DATABASE `+admin.pool.Config().ConnConfig.Database+` FROM PUBLIC`)
	run(t, admin, `CREATE SCHEMA given AUTHORIZATION `+role)
	u, _ := url.Parse(target)
	q := u.Query()
	q.Set("user", role)
	u.RawQuery = q.Encode()
	db := openAt(t, u.String(), "given")
	if db.schema != "given" {
		t.Errorf("tables went to %q", db.schema)
	}
	if _, err := Open(context.Background(), u.String(), "not_given"); err == nil || !strings.Contains(err.Error(), "creating schema not_given") ||
		!strings.Contains(err.Error(), "CREATE SCHEMA \"not_given\" AUTHORIZATION") {
		t.Errorf("a schema the role may not create: %v", err)
	}
}

// Without a schema named, the tables stay where they are whatever schemas appear later: a schema
// named after the role would otherwise come first in the server's default search_path ("$user",
// public) and hide them behind a second, empty set of tables.
func TestTablesStayPutWhenASchemaNamedAfterTheRoleAppears(t *testing.T) {
	ctx := context.Background()
	target := pgtest.URL(t)
	db := openAt(t, target, "")
	if err := db.SaveOrganization(ctx, &orgclient.Organization{ID: "org_1", Name: "Acme"}, now); err != nil {
		t.Fatal(err)
	}
	role := db.pool.Config().ConnConfig.User
	run(t, db, `CREATE SCHEMA `+pgx.Identifier{role}.Sanitize())

	again := openAt(t, target, "")
	if again.schema != "public" {
		t.Errorf("reopened in schema %q, want public, where the tables are", again.schema)
	}
	if got := strings.Join(tables(t, target), " "); strings.Contains(got, role+".organizations") {
		t.Errorf("tables: %s; want no second set in schema %s", got, role)
	}
	ro, err := OpenReadOnly(ctx, target, "")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if ro.schema != "public" {
		t.Errorf("read-only open in schema %q, want public", ro.schema)
	}
}

// A pool of one connection can migrate: the migrations' lock is held on a connection of its own.
func TestOpenWithAPoolOfOneConnection(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	db, err := Open(ctx, pgtest.URL(t)+"&pool_max_conns=1", "")
	if err != nil {
		t.Fatalf("open with pool_max_conns=1: %v", err)
	}
	db.Close()
}
