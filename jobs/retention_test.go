package jobs

import (
	"context"
	"log/slog"
	"testing"

	"github.com/acme/storeimport/internal/pgtest"
)

// Once River's cleaner deletes an ended job, its file goes too; a job River keeps keeps its own.
func TestFilesGoWithTheirJobs(t *testing.T) {
	ctx := context.Background()
	q, err := Open(ctx, pgtest.URL(t), "")
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	var ids []int64
	for _, org := range []string{"org_a", "org_b"} {
		id, err := q.Enqueue(ctx, Request{OrganizationID: org, FileName: "stores.csv", Content: []byte("public_id\n")})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if _, err := q.river.JobDelete(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	q.forget(ctx, slog.New(slog.DiscardHandler))
	var kept []int64
	rows, err := q.db.Pool().Query(ctx, `SELECT river_job_id FROM import_jobs`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		kept = append(kept, id)
	}
	if len(kept) != 1 || kept[0] != ids[1] {
		t.Errorf("files kept for jobs %v, want only job %d's", kept, ids[1])
	}
}
