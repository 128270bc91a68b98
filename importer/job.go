package importer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
)

// Job is one import, or dry run, of one file for one organization.
type Job struct {
	OrganizationID string
	Path           string
	Encoding       string // a CSV's: auto, utf8 or sjis
	Sheet          string // a workbook's sheet to read; "" for the Reader to choose
	Lang           string // language of the report's messages: en or ja
	DryRun         bool

	Platform Platform    // nil only in a dry run without an endpoint: then nothing is sent
	Stores   Stores      // the database an import writes; unused in a dry run
	Journal  Journal     // the import journal, in the same database; unused in a dry run
	Lookup   StoreLookup // what a dry run reads; nil when the database is not consulted
	Clock    Clock
	NewKey   func() string // a fresh idempotency-key stem
	// TokenFingerprint names the platform token in the journal (see Entry.TokenFingerprint).
	TokenFingerprint string

	// Stop is closed to end the run early (an interrupt): the row in flight finishes, the rest are
	// reported not_attempted.
	Stop <-chan struct{}
	// Lease is the organization's lock, nil in a dry run. When it is lost the run stops at once:
	// rows in flight send nothing more and are left to the journal as it stands, not compensated.
	Lease Lease

	// Concurrency is how many rows may be at the platform at once (1..16). Every request still
	// waits on the client's one rate limit; the report stays in file order.
	Concurrency int

	Report        Reporter
	Progress      Progress // told of each finished row; may be nil
	ErrorsCSVPath string   // where to write the invalid and failed rows, as a CSV or a workbook like the input; empty for none
	Log           *slog.Logger
}

// ErrUnknownOrganization means the platform has no organization with the id given.
var ErrUnknownOrganization = errors.New("the platform has no such organization")

// unavailableRowsToStop is how many rows in a row may end with the platform not answering before
// the run gives up.
const unavailableRowsToStop = 3

// Run checks the organization, settles what earlier runs left unfinished, then goes through the
// rows of the file that Scan made plan of, in file order. An error with no summary means the run
// did not start (unknown organization, token refused): nothing was sent that could change the
// platform. Otherwise every row is in the summary and the report.
func Run(ctx context.Context, job Job, plan *Plan) (*Summary, error) {
	if !job.DryRun && job.TokenFingerprint == "" {
		return nil, errors.New("an import must name its platform token in the journal: Job.TokenFingerprint is empty")
	}
	r := &runner{job: job, plan: plan, unsettled: map[string]Result{}, summary: &Summary{
		OrganizationID: job.OrganizationID,
		DryRun:         job.DryRun,
		Counts:         map[Status]int{},
		Warnings:       plan.Warnings,
	}}
	if job.ErrorsCSVPath != "" {
		// Created first, so that a path it cannot be written to is refused before anything is sent.
		errorsFile, err := createErrorsFile(job.ErrorsCSVPath, plan, job.Lang)
		if err != nil {
			return nil, err
		}
		defer errorsFile.abandon()
		r.errors = errorsFile
	}
	if err := r.prepare(ctx); err != nil {
		return nil, err
	}
	var unfinished []Entry
	if !job.DryRun {
		if err := r.startRun(ctx); err != nil {
			return nil, err
		}
		var err error
		if unfinished, err = job.Journal.Unsettled(ctx, job.OrganizationID); err != nil {
			return nil, fmt.Errorf("reading what earlier runs left unfinished from the journal: %w", err)
		}
	}
	// The outlook comes before settling, which may already send mutations.
	if err := r.begin(ctx, unfinished); err != nil {
		return r.summary, errors.Join(err, r.finish(ctx, false))
	}
	r.settle(ctx, unfinished)
	err := r.rows(ctx)
	return r.summary, errors.Join(err, r.finish(ctx, err == nil))
}

type runner struct {
	job     Job
	plan    *Plan
	summary *Summary
	errors  *errorsFile
	runID   int64

	// mu guards what the workers share: the summary's stop reason and unavailableRows.
	mu sync.Mutex

	// unsettled holds what recovery could not settle, by public_id, until its row comes up.
	unsettled map[string]Result

	// In a dry run with an endpoint: the organization's shop limit and its live shops; the
	// limit is -1 when the platform was not asked.
	shopLimit, liveShops int

	wouldCreate     int
	unavailableRows int // guarded by mu
	progressing     bool
}

// prepare checks the organization with the platform, when there is one to ask, and records it.
func (r *runner) prepare(ctx context.Context) error {
	r.shopLimit = -1
	if r.job.Platform == nil {
		return nil
	}
	org, err := r.job.Platform.Organization(ctx, r.job.OrganizationID)
	if err != nil {
		return fmt.Errorf("checking organization %s on the platform: %w", r.job.OrganizationID, err)
	}
	if org == nil {
		return fmt.Errorf("organization %s: %w; check --org", r.job.OrganizationID, ErrUnknownOrganization)
	}
	if r.job.DryRun {
		shops, err := r.job.Platform.Shops(ctx, r.job.OrganizationID)
		if err != nil {
			return fmt.Errorf("counting the shops of organization %s: %w", r.job.OrganizationID, err)
		}
		r.shopLimit, r.liveShops = org.ShopLimit, len(shops)
		return nil
	}
	return r.job.Stores.SaveOrganization(ctx, org, r.job.Clock.Now())
}

func (r *runner) startRun(ctx context.Context) error {
	id, err := r.job.Journal.StartRun(ctx, r.job.OrganizationID, r.job.Path, r.job.Clock.Now())
	if err != nil {
		return fmt.Errorf("recording the run in the journal: %w", err)
	}
	r.runID = id
	return nil
}

func (r *runner) rows(ctx context.Context) error {
	f, err := os.Open(r.job.Path)
	if err != nil {
		return fmt.Errorf("reopening %s: %w", r.job.Path, err)
	}
	defer f.Close()
	reader, err := NewReader(f, r.readOptions())
	if err != nil {
		return err
	}
	defer reader.Close()
	return r.dispatch(ctx, reader)
}

// readOptions read the file again as Scan read it: the same encoding, the same sheet.
func (r *runner) readOptions() ReadOptions {
	opts := r.job.ReadOptions()
	opts.strings = r.plan.strings
	return opts
}

// begin tells the progress what the run is about to do, unfinished being what earlier runs left
// to settle first.
func (r *runner) begin(ctx context.Context, unfinished []Entry) error {
	if r.job.Progress == nil {
		return nil
	}
	outlook, err := r.outlook(ctx, unfinished)
	if err != nil {
		return err
	}
	r.job.Progress.Begin(outlook)
	r.progressing = true
	return nil
}

// finish closes the run, whether or not it got through every row: the report is always closed
// with a summary, which also counts what recovery left unsettled for rows not in this file. Only
// a run that got through its rows is marked finished and puts its errors CSV in place.
func (r *runner) finish(ctx context.Context, throughRows bool) error {
	for _, res := range r.unsettled {
		r.summary.Earlier = append(r.summary.Earlier, res)
	}
	var errs []error
	if throughRows && r.runID != 0 {
		errs = append(errs, r.job.Journal.FinishRun(ctx, r.runID, r.job.Clock.Now()))
	}
	if throughRows && r.errors != nil {
		errs = append(errs, r.errors.commit())
	}
	if r.progressing {
		// The rows still buffered go first, so that the progress's last line follows them, as it
		// follows them in time.
		if report, ok := r.job.Report.(interface{ Flush() error }); ok {
			report.Flush() // a failure stays in the report, for Close to return
		}
		r.job.Progress.End(r.summary)
	}
	errs = append(errs, r.job.Report.Close(r.summary))
	return errors.Join(errs...)
}

func (r *runner) emit(res Result) error {
	r.summary.Rows++
	r.summary.Counts[res.Status]++
	if r.job.Progress != nil {
		r.job.Progress.Row(res)
	}
	if r.errors != nil && (res.Status == StatusInvalid || res.Status == StatusFailed) {
		if err := r.errors.write(res.Row, res.Error); err != nil {
			return err
		}
	}
	return r.job.Report.Row(res)
}

// classify decides what a row needs: a result now (invalid, skipped, a dry run's verdict, not
// attempted), or a turn at the platform, which it returns as a rowRun for a worker.
func (r *runner) classify(ctx context.Context, row *Row) (*Result, *rowRun) {
	run := newRowRun(row, r.job.Journal, r.job.Clock)
	done := func() (*Result, *rowRun) { res := run.result(); return &res, nil }
	if problems := r.problems(row); problems != "" {
		run.err = problems
		run.to(ctx, stateInvalid)
		return done()
	}
	if res, unsettled := r.unsettled[row.Store.PublicID]; unsettled {
		delete(r.unsettled, row.Store.PublicID)
		res.Line, res.Row = row.Line, row
		return &res, nil
	}
	if r.stopped() {
		run.err = msgNotAttempted.in(r.job.Lang, r.stopReason())
		run.to(ctx, stateNotAttempted)
		return done()
	}
	if imported := r.alreadyImported(ctx, run); imported {
		return done()
	}
	if r.job.DryRun {
		r.dryRun(ctx, run)
		return done()
	}
	return nil, run
}

// work sends one row through the platform; it runs on a worker.
func (r *runner) work(ctx context.Context, run *rowRun) Result {
	if err := r.importRow(ctx, run); err != nil {
		run.journalBroken(err, r.job.Lang)
		r.stopOn(err)
	}
	r.countUnanswered(run)
	return run.result()
}

// stopOn stops the run after a journal write failed: the database broke, or another run took over.
func (r *runner) stopOn(err error) {
	if errors.Is(err, ErrSuperseded) {
		r.stop(err.Error())
		return
	}
	r.stop("the local database could not record the import: " + err.Error())
}

// stop ends the run after the rows in flight; the first reason given is the one reported.
func (r *runner) stop(reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.summary.StopReason == "" {
		r.summary.StopReason = reason
	}
}

func (r *runner) stopReason() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.summary.StopReason
}

func (r *runner) stopped() bool {
	if r.job.Lease != nil {
		select {
		case <-r.job.Lease.Lost():
			r.stop(fmt.Sprintf("%v: %v; this run sent nothing more", ErrSuperseded, r.job.Lease.Err()))
		default:
		}
	}
	select {
	case <-r.job.Stop:
		r.stop("interrupted")
	default:
	}
	return r.stopReason() != ""
}

// fenced fails with ErrSuperseded once the run no longer holds its lock. It is asked right before
// every mutation of a row, so that a run taken over while it was paused sends nothing more. A
// journal write that just checked the lock in its own statement, with no request since, is as
// good a proof: then it asks the database nothing more.
func (r *runner) fenced(ctx context.Context, run *rowRun) error {
	if r.job.Lease == nil || run.justJournaled {
		return nil
	}
	return r.job.Lease.Check(ctx)
}
