package jobs

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// MaxFileBytes bounds a queued file: it is kept in the database, read whole by enqueue and by
// the worker that runs it, until the job ends. A merchant's file of 10,000 stores is a few
// megabytes; a larger one is imported in parts, or run with storeimport import.
const MaxFileBytes = 100 << 20

// Request is an import to queue: a file already validated, and how to read it.
type Request struct {
	OrganizationID string
	FileName       string // as the engineer named it; only its base name is kept
	Content        []byte
	Encoding       string
	Sheet          string
	Lang           string
}

// DuplicateError refuses a second import job for an organization that has one queued or running.
type DuplicateError struct {
	Existing *Status
}

func (e *DuplicateError) Error() string {
	s := e.Existing
	return fmt.Sprintf("organization %s already has import job %d (%s, %s, enqueued %s): wait for it to finish "+
		"(storeimport jobs show %d), or cancel it (storeimport jobs cancel %d) and enqueue again",
		s.OrganizationID, s.ID, s.State, s.File, s.EnqueuedAt.Local().Format(time.DateTime), s.ID, s.ID)
}

// Enqueue stores the file and queues its import in one transaction, returning the job's id. An
// organization with an import job queued or running gets a *DuplicateError naming it, and nothing
// is stored.
func (q *Queue) Enqueue(ctx context.Context, req Request) (int64, error) {
	tx, err := q.db.Pool().Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("queueing the import: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	args := ImportArgs{OrganizationID: req.OrganizationID, FileName: filepath.Base(req.FileName),
		Encoding: req.Encoding, Sheet: req.Sheet, Lang: req.Lang}
	err = tx.QueryRow(ctx, `INSERT INTO import_jobs (platform_org_id, file_name, file_content) VALUES ($1, $2, $3) RETURNING id`,
		args.OrganizationID, args.FileName, req.Content).Scan(&args.ImportID)
	if err != nil {
		return 0, fmt.Errorf("storing the file to import: %w", err)
	}
	inserted, err := q.river.InsertTx(ctx, tx, args, nil)
	if err != nil {
		return 0, fmt.Errorf("queueing the import: %w", err)
	}
	if inserted.UniqueSkippedAsDuplicate {
		existing, err := q.status(ctx, inserted.Job)
		if err != nil {
			return 0, err
		}
		return 0, &DuplicateError{Existing: existing}
	}
	if _, err := tx.Exec(ctx, `UPDATE import_jobs SET river_job_id = $2 WHERE id = $1`, args.ImportID, inserted.Job.ID); err != nil {
		return 0, fmt.Errorf("queueing the import: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("queueing the import: %w", err)
	}
	return inserted.Job.ID, nil
}
