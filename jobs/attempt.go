package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
)

// River hands a job to another worker when its worker stops beating, whether that worker is dead
// or only paused or cut off from the database; the paused one may then resume and end its run
// while a later attempt runs the job. River's completer applies a worker's outcome to the job if
// it is running, whichever attempt runs it, so an attempt's every write is fenced by the pair
// (job, attempt): the import_jobs row names the attempt that may write its progress and report,
// and an attempt ends the job only after checking, with River's row locked, that it is still the
// one running.

// attemptOver is the outcome of an attempt that is no longer the job's: River must record
// nothing of it, as the job is another attempt's, or over.
//
// River (0.51) has no outcome that records nothing; its executor reports the outcome of an error
// that lists jobs (Jobs and ErrorsByID, for batches) once for each job listed, and this one lists
// none. The e2e test of a stalled worker watches it: an upgrade of River must keep it passing.
type attemptOver struct{ attempt int }

func (e *attemptOver) Error() string {
	return fmt.Sprintf("attempt %d is over: the job went to another worker, which ran or is running it", e.attempt)
}

// Jobs lists no job: River records nothing of this outcome.
func (*attemptOver) Jobs() []*rivertype.JobRow { return nil }

// ErrorsByID gives no job an error.
func (*attemptOver) ErrorsByID() map[int64]error { return nil }

// claim makes the job's import_jobs row this attempt's, if River still runs the job at it.
func (q *Queue) claim(ctx context.Context, row *rivertype.JobRow, importID int64) error {
	tag, err := q.db.Pool().Exec(ctx, `UPDATE import_jobs SET attempt = $2 WHERE id = $1 AND EXISTS (
		SELECT 1 FROM `+q.riverJob()+` WHERE id = $3 AND attempt = $2 AND state = 'running')`, importID, row.Attempt, row.ID)
	switch {
	case err != nil:
		return fmt.Errorf("starting attempt %d: %w", row.Attempt, err)
	case tag.RowsAffected() == 0:
		return &attemptOver{attempt: row.Attempt}
	}
	return nil
}

// finish ends the attempt with outcome, in one transaction that locks River's row of the job: if
// the job is still running at this attempt, it keeps the attempt's report (rec, when the run got
// to its rows) and, for a job completed, completes it there and then; the other outcomes are
// River's to record once the transaction commits. If the job is no longer the attempt's, or
// that cannot be known, the attempt's result is dropped and River records nothing: the job is
// another attempt's, or River's rescuer hands it to one.
func (q *Queue) finish(ctx context.Context, job *river.Job[ImportArgs], rec *recorder, errorsPath string, outcome error, log *slog.Logger) error {
	err := pgx.BeginFunc(ctx, q.db.Pool(), func(tx pgx.Tx) error {
		var running bool
		err := tx.QueryRow(ctx, `SELECT true FROM `+q.riverJob()+` WHERE id = $1 AND attempt = $2 AND state = 'running' FOR UPDATE`,
			job.ID, job.Attempt).Scan(&running)
		if errors.Is(err, pgx.ErrNoRows) {
			return &attemptOver{attempt: job.Attempt}
		}
		if err != nil {
			return err
		}
		if rec != nil {
			if err := q.saveResult(ctx, tx, job.Args.ImportID, job.Attempt, rec, errorsPath); err != nil {
				return err
			}
		}
		if endsTheJob(job.JobRow, outcome) {
			if err := dropFile(ctx, tx, job.Args.ImportID); err != nil {
				return err
			}
		}
		if outcome == nil {
			_, err = river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		}
		return err
	})
	var over *attemptOver
	switch {
	case errors.As(err, &over):
		log.Warn("the job went to another worker while this one could not reach the database or was paused: " +
			"this attempt's result is dropped")
		return over
	case err != nil:
		log.Warn("could not record how the attempt ended: River hands the job to a worker again once --rescue-after has passed", "error", err)
		return &attemptOver{attempt: job.Attempt}
	}
	return outcome
}

// riverJob is River's table of jobs, in the stores' schema.
func (q *Queue) riverJob() string {
	return pgx.Identifier{q.db.Schema(), "river_job"}.Sanitize()
}

// endsTheJob says whether outcome ends the job for good: completed, cancelled, or failed at its
// last attempt. A snooze or a retry needs the file again.
func endsTheJob(row *rivertype.JobRow, outcome error) bool {
	var snooze *rivertype.JobSnoozeError
	var cancel *rivertype.JobCancelError
	switch {
	case outcome == nil, errors.As(outcome, &cancel):
		return true
	case errors.As(outcome, &snooze):
		return false
	}
	return row.Attempt >= row.MaxAttempts
}
