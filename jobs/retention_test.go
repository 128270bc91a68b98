package jobs

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/pgtest"
)

// twoJobs is a queue with a job queued for each of two organizations, and their ids.
func twoJobs(t *testing.T) (*Queue, []int64) {
	t.Helper()
	q, err := Open(context.Background(), pgtest.URL(t), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	var ids []int64
	for _, org := range []string{"org_a", "org_b"} {
		id, err := q.Enqueue(context.Background(), Request{OrganizationID: org, FileName: "stores.csv", Content: []byte("public_id\n")})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return q, ids
}

// Once River's cleaner deletes an ended job, its file goes too: a worker forgets it when it
// starts, and again on its timer, with no job to run; a job River keeps keeps its own.
func TestAWorkerForgetsTheFilesOfJobsRiverNoLongerKeeps(t *testing.T) {
	ctx := context.Background()
	q, ids := twoJobs(t)
	if _, err := q.river.JobDelete(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	stop := q.forgetting(50*time.Millisecond, slog.New(slog.DiscardHandler))
	defer stop()
	awaitKept(t, q, []int64{ids[1]})
	if _, err := q.river.JobDelete(ctx, ids[1]); err != nil {
		t.Fatal(err)
	}
	awaitKept(t, q, nil)
}

// awaitKept waits, at most 5 s, until import_jobs holds the files of the jobs want only.
func awaitKept(t *testing.T, q *Queue, want []int64) {
	t.Helper()
	var kept []int64
	for range 100 {
		kept = kept[:0]
		rows, err := q.db.Pool().Query(context.Background(), `SELECT river_job_id FROM import_jobs ORDER BY river_job_id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			kept = append(kept, id)
		}
		if slices.Equal(kept, want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("files kept for jobs %v, want %v's", kept, want)
}

// A job cancelled while queued ended: its file goes at once, while a queued job keeps its own.
func TestACancelledJobDropsItsFile(t *testing.T) {
	ctx := context.Background()
	q, ids := twoJobs(t)
	if _, err := q.Cancel(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	kept := map[int64]bool{}
	rows, err := q.db.Pool().Query(ctx, `SELECT river_job_id, file_content IS NOT NULL FROM import_jobs`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var has bool
		rows.Scan(&id, &has)
		kept[id] = has
	}
	if kept[ids[0]] || !kept[ids[1]] {
		t.Errorf("files kept by job: %v; want the cancelled job %d's dropped, the queued job %d's kept", kept, ids[0], ids[1])
	}
}
