package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
)

// Job is one import, or dry run, of one file for one organization.
type Job struct {
	OrganizationID string
	Path           string
	Encoding       string // auto, utf8 or sjis
	Lang           string // language of the report's messages: en or ja
	DryRun         bool

	Platform Platform    // nil only in a dry run without an endpoint: then nothing is sent
	Stores   Stores      // the database an import writes; unused in a dry run
	Journal  Journal     // the import journal, in the same database; unused in a dry run
	Lookup   StoreLookup // what a dry run reads; nil when the database is not consulted
	Clock    Clock
	NewKey   func() string // a fresh idempotency-key stem

	// Stop is closed to end the run early (an interrupt): the row in flight finishes, the rest are
	// reported not_attempted.
	Stop <-chan struct{}

	Report        Reporter
	ErrorsCSVPath string // where to write the invalid and failed rows; empty for none
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
	r := &runner{job: job, plan: plan, unsettled: map[string]Result{}, summary: &Summary{
		OrganizationID: job.OrganizationID,
		DryRun:         job.DryRun,
		Counts:         map[Status]int{},
	}}
	if err := r.prepare(ctx); err != nil {
		return nil, err
	}
	if !job.DryRun {
		if err := r.startRun(ctx); err != nil {
			return nil, err
		}
		if err := r.settle(ctx); err != nil {
			return nil, fmt.Errorf("settling earlier runs from the journal: %w", err)
		}
	}
	if err := r.rows(ctx); err != nil {
		return r.summary, err
	}
	return r.summary, nil
}

type runner struct {
	job     Job
	plan    *Plan
	summary *Summary
	errors  *errorsFile
	runID   int64

	// unsettled holds what recovery could not settle, by public_id, until its row comes up.
	unsettled map[string]Result

	// In a dry run with an endpoint: the organization's shop limit and its live shops; the
	// limit is -1 when the platform was not asked.
	shopLimit, liveShops int

	wouldCreate     int
	unavailableRows int
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
	reader, err := NewReader(f, ReadOptions{Encoding: r.job.Encoding})
	if err != nil {
		return err
	}
	if r.job.ErrorsCSVPath != "" {
		r.errors, err = createErrorsFile(r.job.ErrorsCSVPath, reader.Header(), reader.Encoding())
		if err != nil {
			return err
		}
		defer r.errors.abandon()
	}
	for {
		row, err := reader.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if err := r.emit(r.row(ctx, row)); err != nil {
			return err
		}
	}
	return r.finish(ctx)
}

// finish closes the run: what recovery left unsettled for rows not in this file is reported too.
func (r *runner) finish(ctx context.Context) error {
	for _, res := range r.unsettled {
		r.summary.Earlier = append(r.summary.Earlier, res)
	}
	if r.runID != 0 {
		if err := r.job.Journal.FinishRun(ctx, r.runID, r.job.Clock.Now()); err != nil {
			return err
		}
	}
	if r.errors != nil {
		if err := r.errors.commit(); err != nil {
			return err
		}
	}
	return r.job.Report.Close(r.summary)
}

func (r *runner) emit(res Result) error {
	r.summary.Rows++
	r.summary.Counts[res.Status]++
	if r.errors != nil && (res.Status == StatusInvalid || res.Status == StatusFailed) {
		if err := r.errors.write(res.Row, res.Error); err != nil {
			return err
		}
	}
	return r.job.Report.Row(res)
}

// row decides one row's fate: invalid, skipped, or (in an import) sent through the platform.
func (r *runner) row(ctx context.Context, row *Row) Result {
	run := newRowRun(row, r.job.Journal, r.job.Clock)
	if problems := r.problems(row); problems != "" {
		run.err = problems
		run.to(ctx, stateInvalid)
		return run.result()
	}
	if res, unsettled := r.unsettled[row.Store.PublicID]; unsettled {
		delete(r.unsettled, row.Store.PublicID)
		res.Line, res.Row = row.Line, row
		return res
	}
	if r.stopped() {
		run.err = msgNotAttempted.in(r.job.Lang, r.summary.StopReason)
		run.to(ctx, stateNotAttempted)
		return run.result()
	}
	if done := r.alreadyImported(ctx, run); done {
		return run.result()
	}
	if r.job.DryRun {
		r.dryRun(ctx, run)
		return run.result()
	}
	if err := r.importRow(ctx, run); err != nil {
		run.journalBroken(err)
		r.stop("the local database could not record the import: " + err.Error())
	}
	r.countUnanswered(run)
	return run.result()
}

// stop ends the run after the row in flight; the first reason given is the one reported.
func (r *runner) stop(reason string) {
	if r.summary.StopReason == "" {
		r.summary.StopReason = reason
	}
}

func (r *runner) stopped() bool {
	select {
	case <-r.job.Stop:
		r.stop("interrupted")
	default:
	}
	return r.summary.StopReason != ""
}
