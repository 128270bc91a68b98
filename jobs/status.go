package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/acme/storeimport/importer"
)

// State is where a job is, in support's words.
type State string

const (
	Queued    State = "queued"    // waiting for a worker (again, after a retry, a rescue or a worker's stop)
	Running   State = "running"   // a worker is importing it
	Finished  State = "finished"  // every row went through; Counts say how
	Failed    State = "failed"    // it gave up: Reason says why
	Cancelled State = "cancelled" // someone cancelled it
)

// Status is what support sees of a job: where it is, how far it got, and how it ended.
type Status struct {
	ID             int64     `json:"id"`
	OrganizationID string    `json:"organization_id"`
	File           string    `json:"file"`
	State          State     `json:"state"`
	Reason         string    `json:"reason,omitempty"` // a failed job's error; a queued one's last, when it is retried
	Attempt        int       `json:"attempt"`
	EnqueuedAt     time.Time `json:"enqueued_at"`
	FinishedAt     time.Time `json:"finished_at,omitzero"`
	// Progress of the running, or the last, attempt: rows done of the file's rows, and how they
	// ended so far.
	RowsDone  int                     `json:"rows_done"`
	RowsTotal int                     `json:"rows_total"`
	Counts    map[importer.Status]int `json:"counts"`
	// ErrorsFile is the name of the finished job's errors file (the rows to send back to the
	// merchant), "" when it has none.
	ErrorsFile string `json:"errors_file,omitempty"`
	// Lang is the language of the job's messages, its errors file's error column among them, as
	// import --enqueue --lang gave it (en or ja).
	Lang string `json:"lang"`
}

// ErrNoSuchJob is a job id the queue does not know.
var ErrNoSuchJob = errors.New("no such import job")

// listed bounds a listing, newest first.
const listed = 200

// List returns the import jobs of organizationID ("" for every organization), newest first.
func (q *Queue) List(ctx context.Context, organizationID string) ([]*Status, error) {
	if q.river == nil {
		return nil, nil
	}
	params := river.NewJobListParams().Kinds(Kind).First(listed).OrderBy(river.JobListOrderByID, river.SortOrderDesc)
	if organizationID != "" {
		params = params.Where("args->>'organization_id' = @org", river.NamedArgs{"org": organizationID})
	}
	res, err := q.river.JobList(ctx, params)
	if err != nil {
		return nil, fmt.Errorf("listing the import jobs: %w", err)
	}
	statuses := make([]*Status, 0, len(res.Jobs))
	for _, row := range res.Jobs {
		s, err := q.status(ctx, row)
		if err != nil {
			return nil, err
		}
		statuses = append(statuses, s)
	}
	return statuses, nil
}

// Get returns one job's status, or ErrNoSuchJob.
func (q *Queue) Get(ctx context.Context, id int64) (*Status, error) {
	row, err := q.job(ctx, id)
	if err != nil {
		return nil, err
	}
	return q.status(ctx, row)
}

// argsOf is the job's arguments, as River keeps them in its row.
func argsOf(row *rivertype.JobRow) (ImportArgs, error) {
	var args ImportArgs
	if err := json.Unmarshal(row.EncodedArgs, &args); err != nil {
		return args, fmt.Errorf("job %d's arguments: %w", row.ID, err)
	}
	return args, nil
}

// jobArgs is the arguments of the import job id.
func (q *Queue) jobArgs(ctx context.Context, id int64) (ImportArgs, error) {
	row, err := q.job(ctx, id)
	if err != nil {
		return ImportArgs{}, err
	}
	return argsOf(row)
}

// job is River's row of an import job.
func (q *Queue) job(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	noSuchJob := fmt.Errorf("job %d: %w; storeimport jobs lists them", id, ErrNoSuchJob)
	if q.river == nil {
		return nil, noSuchJob
	}
	row, err := q.river.JobGet(ctx, id)
	if errors.Is(err, rivertype.ErrNotFound) || (err == nil && row.Kind != Kind) {
		return nil, noSuchJob
	}
	if err != nil {
		return nil, fmt.Errorf("reading job %d: %w", id, err)
	}
	return row, nil
}

// status puts River's row and the job's own together.
func (q *Queue) status(ctx context.Context, row *rivertype.JobRow) (*Status, error) {
	args, err := argsOf(row)
	if err != nil {
		return nil, err
	}
	s := &Status{ID: row.ID, OrganizationID: args.OrganizationID, File: args.FileName, State: stateOf(row),
		Attempt: row.Attempt, EnqueuedAt: row.CreatedAt, Counts: map[importer.Status]int{}, Lang: args.Lang}
	if row.FinalizedAt != nil {
		s.FinishedAt = *row.FinalizedAt
	}
	if n := len(row.Errors); n > 0 && s.State != Finished && s.State != Running {
		// A worker gives a job up with river.JobCancel, whose error River records with a prefix
		// of its type's name, which is no part of the reason.
		s.Reason = strings.TrimPrefix(row.Errors[n-1].Error, "JobCancelError: ")
	}
	var total *int
	var counts []byte
	var errorsName *string
	err = q.db.Pool().QueryRow(ctx, `SELECT rows_total, rows_done, counts, errors_name FROM import_jobs WHERE id = $1`,
		args.ImportID).Scan(&total, &s.RowsDone, &counts, &errorsName)
	if err != nil {
		return nil, fmt.Errorf("reading job %d's progress: %w", row.ID, err)
	}
	if total != nil {
		s.RowsTotal = *total
	}
	if errorsName != nil {
		s.ErrorsFile = *errorsName
	}
	if err := json.Unmarshal(counts, &s.Counts); err != nil {
		return nil, fmt.Errorf("job %d's counts: %w", row.ID, err)
	}
	return s, nil
}

// stateOf says River's state in support's words. A cancelled job that no one asked to cancel is
// one its worker gave up on (see verdict): failed.
func stateOf(row *rivertype.JobRow) State {
	switch row.State {
	case rivertype.JobStateRunning:
		return Running
	case rivertype.JobStateCompleted:
		return Finished
	case rivertype.JobStateDiscarded:
		return Failed
	case rivertype.JobStateCancelled:
		if cancelAsked(row.Metadata) {
			return Cancelled
		}
		return Failed
	}
	return Queued
}

// cancelAsked says whether someone asked River to cancel the job (JobCancel marks its metadata).
func cancelAsked(metadata []byte) bool {
	var m struct {
		CancelAttemptedAt *time.Time `json:"cancel_attempted_at"`
	}
	return json.Unmarshal(metadata, &m) == nil && m.CancelAttemptedAt != nil
}
