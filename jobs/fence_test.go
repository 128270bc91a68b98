package jobs

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/riverqueue/river"

	"github.com/acme/storeimport/importer"
)

// An attempt whose job's record names a later attempt, while River's row still shows it running
// (the later attempt claimed the job, and River has not caught up), saves nothing of its report:
// the record's rows and summary stay the later attempt's. The job's own attempt saves its report.
func TestAStaleAttemptSavesNoReport(t *testing.T) {
	ctx := context.Background()
	q := freshQueue(t)
	job := runningJob(t, q)
	args := job.Args
	broke := errors.New("the run broke off")
	for _, c := range []struct {
		recordNames int
		wantRows    int
	}{{2, 0}, {1, 1}} {
		if _, err := q.db.Pool().Exec(ctx, `UPDATE import_jobs SET attempt = $2 WHERE id = $1`, args.ImportID, c.recordNames); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		rec, err := newRecorder(dir)
		if err != nil {
			t.Fatal(err)
		}
		rec.Row(importer.Result{Line: 2, PublicID: "shibuya-01", Status: importer.StatusCreated})
		rec.Close(&importer.Summary{OrganizationID: "org_a", Rows: 1})
		outcome := q.finish(ctx, job, rec, filepath.Join(dir, "none-errors.csv"), broke, slog.New(slog.DiscardHandler))
		rec.release()
		var over *attemptOver
		if stale := c.recordNames != 1; errors.As(outcome, &over) != stale {
			t.Errorf("attempt 1 ending while the record names attempt %d: outcome %v", c.recordNames, outcome)
		}
		var rows int
		var hasSummary bool
		q.db.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM import_job_rows WHERE import_id = $1), summary IS NOT NULL
			FROM import_jobs WHERE id = $1`, args.ImportID).Scan(&rows, &hasSummary)
		if rows != c.wantRows || hasSummary != (c.wantRows > 0) {
			t.Errorf("attempt 1 ending while the record names attempt %d: %d rows saved, summary %v; want %d", c.recordNames, rows, hasSummary, c.wantRows)
		}
	}
}

// runningJob is a job queued on q that River runs at attempt 1, as a worker's run sees it.
func runningJob(t *testing.T, q *Queue) *river.Job[ImportArgs] {
	t.Helper()
	ctx := context.Background()
	row, args := enqueued(t, q, Request{OrganizationID: "org_a", FileName: "stores.csv", Content: []byte("public_id\n")})
	if _, err := q.db.Pool().Exec(ctx, `UPDATE `+q.riverJob()+` SET state = 'running', attempt = 1, attempted_at = now() WHERE id = $1`, row.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := q.db.Pool().Exec(ctx, `UPDATE import_jobs SET attempt = 1 WHERE id = $1`, args.ImportID); err != nil {
		t.Fatal(err)
	}
	running, err := q.job(ctx, row.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &river.Job[ImportArgs]{JobRow: running, Args: args}
}
