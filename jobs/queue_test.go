package jobs_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/internal/pgtest"
	"github.com/acme/storeimport/jobs"
)

func openQueue(t *testing.T) *jobs.Queue {
	t.Helper()
	return openQueueAt(t, pgtest.URL(t))
}

func openQueueAt(t *testing.T, url string) *jobs.Queue {
	t.Helper()
	q, err := jobs.Open(context.Background(), url, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

func request(org string) jobs.Request {
	return jobs.Request{OrganizationID: org, FileName: "/home/support/stores.csv", Encoding: "auto", Lang: "en",
		Content: []byte("public_id,name,location,industry\nshibuya-01,渋谷店,東京都渋谷区1-1,restaurant\n")}
}

// One import job per organization while it is queued or running: a second is refused naming the
// first; another organization's is not; once the first is cancelled, the organization may queue
// again. The listing follows.
func TestOneQueuedJobPerOrganization(t *testing.T) {
	ctx := context.Background()
	q := openQueue(t)
	first, err := q.Enqueue(ctx, request("org_a"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = q.Enqueue(ctx, request("org_a"))
	var dup *jobs.DuplicateError
	if !errors.As(err, &dup) || dup.Existing.ID != first || dup.Existing.State != jobs.Queued {
		t.Fatalf("a second job of org_a: %v, want a DuplicateError naming job %d, queued", err, first)
	}
	if _, err := q.Enqueue(ctx, request("org_b")); err != nil {
		t.Fatalf("org_b's job while org_a has one: %v", err)
	}
	cancelled, err := q.Cancel(ctx, first)
	if err != nil || cancelled.State != jobs.Cancelled {
		t.Fatalf("cancelling queued job %d: %+v, %v", first, cancelled, err)
	}
	again, err := q.Enqueue(ctx, request("org_a"))
	if err != nil {
		t.Fatalf("org_a's job after its first was cancelled: %v", err)
	}

	listed, err := q.List(ctx, "org_a")
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != 2 || listed[0].ID != again || listed[1].ID != first || listed[0].File != "stores.csv" {
		t.Fatalf("org_a's jobs: %+v, want %d then %d, of stores.csv", listed, again, first)
	}
	every, err := q.List(ctx, "")
	if err != nil || len(every) != 3 {
		t.Fatalf("every job: %d, %v; want 3", len(every), err)
	}
	var files int
	q.DB().Pool().QueryRow(ctx, `SELECT count(*) FROM import_jobs`).Scan(&files)
	if files != 3 {
		t.Errorf("%d files stored, want 3: the refused job's file must not stay", files)
	}
}

// A job no attempt has reported yet has no report and no errors file; an id that is no import
// job is said to be none.
func TestNoReportBeforeAnAttempt(t *testing.T) {
	ctx := context.Background()
	q := openQueue(t)
	id, err := q.Enqueue(ctx, request("org_a"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Report(ctx, id, os.Stdout, "table"); !errors.Is(err, jobs.ErrNoReport) {
		t.Errorf("the report of a queued job: %v, want ErrNoReport", err)
	}
	if _, err := q.ErrorsFile(ctx, id); !errors.Is(err, jobs.ErrNoReport) {
		t.Errorf("the errors file of a queued job: %v, want ErrNoReport", err)
	}
	if _, err := q.Get(ctx, id+100); !errors.Is(err, jobs.ErrNoSuchJob) {
		t.Errorf("job %d: %v, want ErrNoSuchJob", id+100, err)
	}
}

// An SQLite file is refused before it is made.
func TestSQLiteIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stores.db")
	if _, err := jobs.Open(context.Background(), path, ""); !errors.Is(err, jobs.ErrNeedsPostgres) {
		t.Errorf("opening a queue in %s: %v, want ErrNeedsPostgres", path, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the SQLite file was made: %v", err)
	}
}

// Opened read-only, as the support page opens it, a database with no tables yet has no jobs, and
// stays without tables; one with jobs lists them but takes no write.
func TestReadOnlyQueueWritesNothing(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	empty, err := jobs.OpenReadOnly(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if list, err := empty.List(ctx, "org_a"); err != nil || len(list) != 0 {
		t.Errorf("the jobs of a database with no tables: %v, %v; want none", list, err)
	}
	if _, err := empty.Get(ctx, 1); !errors.Is(err, jobs.ErrNoSuchJob) {
		t.Errorf("job 1 of a database with no tables: %v, want ErrNoSuchJob", err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var tables int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&tables); err != nil || tables != 0 {
		t.Fatalf("after the read-only open the database has %d tables (%v), want none", tables, err)
	}
	q := openQueueAt(t, url)
	id, err := q.Enqueue(ctx, request("org_a"))
	if err != nil {
		t.Fatal(err)
	}
	reader, err := jobs.OpenReadOnly(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	if list, err := reader.List(ctx, "org_a"); err != nil || len(list) != 1 || list[0].ID != id {
		t.Errorf("org_a's jobs read-only: %v, %v; want job %d", list, err, id)
	}
	if _, err := reader.Cancel(ctx, id); err == nil {
		t.Errorf("a read-only queue cancelled job %d", id)
	}
}
