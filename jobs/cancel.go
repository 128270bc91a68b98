package jobs

import (
	"context"
	"fmt"

	"github.com/riverqueue/river/rivertype"
)

// Cancel cancels a job: a queued one at once, a running one as an interrupt would stop it (its
// rows in flight finish, the rest are not attempted). It returns the job's status after.
func (q *Queue) Cancel(ctx context.Context, id int64) (*Status, error) {
	if _, err := q.job(ctx, id); err != nil {
		return nil, err
	}
	row, err := q.river.JobCancel(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("cancelling job %d: %w", id, err)
	}
	s, err := q.status(ctx, row)
	if err != nil || row.State != rivertype.JobStateCancelled {
		return s, err // a running job's worker ends it, and drops its file then
	}
	args, err := argsOf(row)
	if err != nil {
		return nil, err
	}
	return s, dropFile(ctx, q.db.Pool(), args.ImportID)
}
