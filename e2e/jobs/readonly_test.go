package jobs_test

import (
	"database/sql"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/acme/storeimport/internal/e2etest"
	"github.com/acme/storeimport/internal/pgtest"
)

// jobs and jobs show only read: pointed at a database with no queue (a fresh one, or a mistyped
// --db-schema) they find no job and leave it as it was, with no schema and no table made. jobs
// cancel, which writes, refuses a database with no queue rather than making one.
func TestListingAndShowingJobsCreateNothing(t *testing.T) {
	url := pgtest.URL(t)
	dir := t.TempDir()
	run := func(args ...string) e2etest.Run {
		return e2etest.Storeimport(t, dir, append(args, "--db", url)...)
	}
	if r := run("jobs", "--db-schema", "typo_schema"); r.Code != 0 || strings.TrimSpace(r.Stdout) != "no import jobs" {
		t.Errorf("jobs on a database with no queue: exit %d, stdout %q, want 0 and no import jobs\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if r := run("jobs"); r.Code != 0 || strings.TrimSpace(r.Stdout) != "no import jobs" {
		t.Errorf("jobs on a fresh database: exit %d, stdout %q\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if r := run("jobs", "show", "1", "--db-schema", "typo_schema"); r.Code != 2 || !strings.Contains(r.Stderr, "no such import job") {
		t.Errorf("jobs show on a database with no queue: exit %d, want 2 and no such job\n%s", r.Code, r.Stderr)
	}
	if r := run("jobs", "show", "1"); r.Code != 2 {
		t.Errorf("jobs show on a fresh database: exit %d, want 2\n%s", r.Code, r.Stderr)
	}
	if r := run("jobs", "cancel", "1", "--db-schema", "typo_schema"); r.Code != 2 || !strings.Contains(r.Stderr, "no import job queue") {
		t.Errorf("jobs cancel on a database with no queue: exit %d, want 2 saying there is no queue\n%s", r.Code, r.Stderr)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var schemas, tables int
	if err := db.QueryRow(`SELECT count(*) FROM pg_namespace WHERE nspname = 'typo_schema'`).Scan(&schemas); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if schemas != 0 || tables != 0 {
		t.Errorf("after jobs, jobs show and jobs cancel the database has %d schema typo_schema and %d tables, want none", schemas, tables)
	}
}
