package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// kept is how long River keeps an ended job, and with it its file, report and errors file: long
// enough for support to send the errors file back, and for the merchant to answer.
const kept = 30 * 24 * time.Hour

// forgetEvery is how often a worker forgets the jobs River no longer keeps, besides at its start:
// River's cleaner deletes them as they pass kept, and no job need come for their data to go.
const forgetEvery = time.Hour

// forgetFor bounds one pass of forget.
const forgetFor = time.Minute

// forgetting forgets the jobs River no longer keeps at once, then every every, until the
// function it returns is called, which waits for a pass under way. A pass that fails is tried
// again at the next.
func (q *Queue) forgetting(every time.Duration, log *slog.Logger) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			ctx, cancel := context.WithTimeout(context.Background(), forgetFor)
			if err := q.forget(ctx); err != nil {
				log.Warn("could not forget the jobs River no longer keeps; trying again later", "error", err)
			}
			cancel()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// forget deletes the files, reports and errors files of the jobs River no longer keeps: the
// merchant's data is kept no longer than the job.
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
