package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// kept is how long River keeps an ended job, and with it its file, report and errors file: long
// enough for support to send the errors file back, and for the merchant to answer.
const kept = 30 * 24 * time.Hour

// forget deletes the files, reports and errors files of the jobs River no longer keeps: the
// merchant's data is kept no longer than the job. Each job a worker starts and each listing of
// the jobs runs it, so that it does not wait for a job to come; a failure is tried again then.
func (q *Queue) forget(ctx context.Context) error {
	_, err := q.db.Pool().Exec(ctx, `DELETE FROM import_jobs j WHERE NOT EXISTS (SELECT 1 FROM `+q.riverJob()+` r WHERE r.id = j.river_job_id)`)
	if err != nil {
		return fmt.Errorf("deleting the files of jobs River no longer keeps: %w", err)
	}
	return nil
}

// dropFile deletes the file of a job that ended: the report and the errors file stay for
// support, the merchant's file is no longer needed.
func dropFile(ctx context.Context, db interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, importID int64) error {
	if _, err := db.Exec(ctx, `UPDATE import_jobs SET file_content = NULL WHERE id = $1`, importID); err != nil {
		return fmt.Errorf("deleting the file of the job that ended: %w", err)
	}
	return nil
}
