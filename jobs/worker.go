package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
	"github.com/acme/storeimport/storedb/postgres"
)

// Runner runs one queued import as `storeimport import` runs one: the same pipeline, journal,
// recovery and organization lock. The command line gives its own; this package has no other.
type Runner func(ctx context.Context, run Run) (*importer.Summary, error)

// Run is one attempt at a queued import, as the Runner gets it.
type Run struct {
	JobID      int64
	Args       ImportArgs
	Path       string            // the file, as enqueued, written where this worker can read it
	ErrorsPath string            // where the run writes its errors file, of the file's kind
	Report     importer.Reporter // records the report for jobs show and the support page
	Progress   importer.Progress // records the progress for jobs and the support page
	Stop       <-chan struct{}   // closed to stop the run as an interrupt does
}

// WorkerConfig is how a worker runs the queue's imports.
type WorkerConfig struct {
	Run  Runner
	Jobs int // imports at once
	// RescueAfter is how long a job whose worker stopped beating (see heartbeat.go) waits before
	// River hands it to another worker.
	RescueAfter time.Duration
	// Stop is closed to stop the worker: it takes no new job, and each run in flight finishes its
	// rows in flight and goes back to the queue for another worker.
	Stop <-chan struct{}
	Log  *slog.Logger
}

// Work runs queued imports until cfg.Stop is closed, then hands back what it was running.
func (q *Queue) Work(ctx context.Context, cfg WorkerConfig) error {
	workers := river.NewWorkers()
	river.AddWorker(workers, &importWorker{q: q, cfg: cfg})
	client, err := river.NewClient(riverpgxv5.New(q.db.Pool()), &river.Config{
		Schema:               q.db.Schema(),
		Logger:               quiet(cfg.Log),
		Workers:              workers,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Jobs}},
		JobTimeout:           cfg.RescueAfter,
		RescueStuckJobsAfter: cfg.RescueAfter,
		// Support reads a job's report and errors file for as long as River keeps the job.
		CompletedJobRetentionPeriod: kept,
		CancelledJobRetentionPeriod: kept,
		DiscardedJobRetentionPeriod: kept,
	})
	if err != nil {
		return fmt.Errorf("starting the worker: %w", err)
	}
	if err := client.Start(ctx); err != nil {
		return fmt.Errorf("starting the worker: %w", err)
	}
	cfg.Log.Info("worker started: running queued imports", "jobs_at_once", cfg.Jobs, "rescue_after", cfg.RescueAfter)
	stopForgetting := q.forgetting(forgetEvery, cfg.Log)
	defer stopForgetting()
	select {
	case <-cfg.Stop:
	case <-client.Stopped():
		return errors.New("the job queue stopped on its own; see the errors above")
	}
	cfg.Log.Info("stopping: imports in flight finish their rows in flight and go back to the queue")
	return client.Stop(context.WithoutCancel(ctx))
}

type importWorker struct {
	river.WorkerDefaults[ImportArgs]
	q   *Queue
	cfg WorkerConfig
}

// Timeout is the rescue interval: River rescues only a job past its timeout, and the heartbeat
// keeps a live one from ever being.
func (w *importWorker) Timeout(*river.Job[ImportArgs]) time.Duration { return w.cfg.RescueAfter }

// Work runs on a context River's timeout does not cancel: the heartbeat says the job is alive,
// and a stop comes through the run's Stop, as an interrupt, so that rows in flight finish.
func (w *importWorker) Work(ctx context.Context, job *river.Job[ImportArgs]) error {
	return w.q.work(context.WithoutCancel(ctx), job, w.cfg)
}

func (q *Queue) work(ctx context.Context, job *river.Job[ImportArgs], cfg WorkerConfig) error {
	row, args := job.JobRow, job.Args
	log := cfg.Log.With("job", row.ID, "organization", args.OrganizationID)
	if err := q.claim(ctx, row, args.ImportID); err != nil {
		return err
	}
	// Beating from here on, the attempt keeps the job while it copies a large file out, and
	// whatever fails from here on ends the attempt through finish, fenced.
	watch := q.watch(row, cfg)
	defer watch.end()
	dir, err := os.MkdirTemp("", "storeimport-job-")
	if err != nil {
		return q.finish(ctx, job, nil, "", fmt.Errorf("a directory for the job's file: %w", err), log)
	}
	defer os.RemoveAll(dir)
	path, err := q.writeFile(ctx, args, dir)
	if err != nil {
		return q.finish(ctx, job, nil, "", err, log)
	}
	rec, err := newRecorder(dir)
	if err != nil {
		return q.finish(ctx, job, nil, "", err, log)
	}
	defer rec.release()
	log.Info("import started", "attempt", row.Attempt)
	run := Run{JobID: row.ID, Args: args, Path: path, ErrorsPath: errorsPath(path), Report: rec,
		Progress: &progressRecorder{q: q, importID: args.ImportID, attempt: row.Attempt, log: log}, Stop: watch.stop}
	summary, err := cfg.Run(ctx, run)
	watch.end()
	if summary == nil {
		rec = nil // no report: the run did not get to its rows
	}
	outcome := q.finish(ctx, job, rec, run.ErrorsPath, verdict(summary, err, watch.cause(), cfg.RescueAfter), log)
	log.Info("import ended", "outcome", describe(outcome, summary))
	return outcome
}

// fileSlice is how much of a job's file a worker reads from the database at a time.
const fileSlice = 1 << 20

// writeFile puts the job's file, as enqueued, in dir under its own name, a slice at a time: read
// whole, a 100 MiB file would be in the worker's memory twice, as pgx's buffer and as the value.
func (q *Queue) writeFile(ctx context.Context, args ImportArgs, dir string) (string, error) {
	var size *int
	if err := q.db.Pool().QueryRow(ctx, `SELECT octet_length(file_content) FROM import_jobs WHERE id = $1`, args.ImportID).Scan(&size); err != nil {
		return "", fmt.Errorf("reading the job's file: %w", err)
	}
	if size == nil {
		return "", errFileGone
	}
	path := filepath.Join(dir, filepath.Base(args.FileName))
	file, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	defer file.Close()
	for offset := 0; offset < *size; offset += fileSlice {
		var slice []byte
		err := q.db.Pool().QueryRow(ctx, `SELECT substring(file_content FROM $2 FOR $3) FROM import_jobs WHERE id = $1`,
			args.ImportID, offset+1, fileSlice).Scan(&slice)
		if err != nil {
			return "", fmt.Errorf("reading the job's file: %w", err)
		}
		if len(slice) == 0 {
			return "", errFileGone
		}
		if _, err := file.Write(slice); err != nil {
			return "", err
		}
	}
	return path, file.Close()
}

// errFileGone is a job whose file was dropped, as it is once the job ends, before its worker read
// it all.
var errFileGone = errors.New("the job's file is no longer kept: the job ended while this worker started it")

// errorsPath names the errors file beside the file: a workbook's is a workbook.
func errorsPath(path string) string {
	ext := ".csv"
	if importer.IsWorkbook(path) {
		ext = ".xlsx"
	}
	return strings.TrimSuffix(path, filepath.Ext(path)) + "-errors" + ext
}

// verdict tells River how the attempt ended: completed (nil), back to the queue (a snooze, which
// uses no attempt), cancelled, failed for good (JobCancel of an error, which `jobs` shows as
// failed), or retried later (an error).
func verdict(summary *importer.Summary, err error, cause stopCause, rescueAfter time.Duration) error {
	var locked *postgres.LockedError
	stoppedEarly := summary == nil || summary.StopReason != ""
	switch {
	case cause == cancelRequested && stoppedEarly:
		// A cancel that came once every row had gone through stopped nothing: the job finished.
		return river.JobCancel(errors.New("cancelled (storeimport jobs cancel)"))
	case cause == workerStops && stoppedEarly:
		return river.JobSnooze(0)
	case cause == jobLost:
		return errors.New("this worker could not record that it was alive for the rescue interval, so the job was handed to another worker")
	case errors.As(err, &locked):
		// Another run holds the organization: an engineer's import, or a worker the rescuer took
		// for dead too soon. Try again once it could be over.
		return river.JobSnooze(rescueAfter)
	case summary == nil && refusedForGood(err):
		return river.JobCancel(err)
	case err != nil:
		return err
	case summary.StopReason != "":
		return errors.New("the run stopped early: " + summary.StopReason)
	}
	return nil
}

// refusedForGood are the refusals before any row that no retry changes: the organization, the
// token, the endpoint.
func refusedForGood(err error) bool {
	for _, target := range []error{importer.ErrUnknownOrganization, orgclient.ErrUnauthenticated,
		orgclient.ErrPermissionDenied, orgclient.ErrRedirected} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// describe says in a word or two how an attempt ended, for the worker's log.
func describe(outcome error, summary *importer.Summary) string {
	var snooze *rivertype.JobSnoozeError
	var cancel *rivertype.JobCancelError
	var over *attemptOver
	switch {
	case errors.As(outcome, &over):
		return "dropped: " + over.Error()
	case outcome == nil:
		return "finished: " + summary.Line()
	case errors.As(outcome, &snooze):
		return "back in the queue"
	case errors.As(outcome, &cancel):
		return "ended: " + errors.Unwrap(cancel).Error()
	}
	return "to be retried: " + outcome.Error()
}
