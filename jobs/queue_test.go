package jobs_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/acme/storeimport/internal/pgtest"
	"github.com/acme/storeimport/jobs"
)

func openQueue(t *testing.T) *jobs.Queue {
	t.Helper()
	q, err := jobs.Open(context.Background(), pgtest.URL(t), "")
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
	if _, _, err := q.ErrorsFile(ctx, id); !errors.Is(err, jobs.ErrNoReport) {
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
