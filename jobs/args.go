package jobs

import (
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Kind is River's name for an import job.
const Kind = "storeimport_import"

// ImportArgs are a job's arguments: the organization, which makes it unique, and how to read its
// file, whose bytes are in import_jobs (River's arguments are JSON, and a file can be megabytes).
type ImportArgs struct {
	OrganizationID string `json:"organization_id" river:"unique"`
	ImportID       int64  `json:"import_id"` // its row of import_jobs
	FileName       string `json:"file_name"`
	Encoding       string `json:"encoding"`
	Sheet          string `json:"sheet,omitempty"`
	Lang           string `json:"lang"`
}

// Kind names the job's kind to River.
func (ImportArgs) Kind() string { return Kind }

// waiting are the states of a job queued or running: an organization has at most one import job
// in them at a time, as it has at most one run holding its lock.
var waiting = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled,
}

// maxAttempts bounds the retries of an import that broke off (the database or the platform gone
// for a while); a worker stopped by SIGTERM, or a job waiting for the lock, snoozes instead, which
// uses none.
const maxAttempts = 5

// InsertOpts make the job unique per organization while it is queued or running.
func (ImportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		MaxAttempts: maxAttempts,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: waiting},
	}
}
