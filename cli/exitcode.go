package cli

import (
	"errors"

	"github.com/acme/storeimport/importer"
)

// The exit codes of ../shared/storeimport-cli.md. This file is the one place that decides them.
const (
	exitOK          = 0   // every row created or skipped (would be, in a dry run)
	exitRowsFailed  = 1   // some row invalid, failed or not attempted; nothing needs attention
	exitUsage       = 2   // bad usage or a file-level error: nothing was imported
	exitAttention   = 3   // some row needs a person
	exitInterrupted = 130 // a second interrupt: stopped at once
)

// runOutcome is how a command that went through the rows reports back: its summary, and an error
// if something broke after the rows had started.
type runOutcome struct {
	summary *importer.Summary
	err     error
}

func (o *runOutcome) Error() string {
	if o.err != nil {
		return o.err.Error()
	}
	return o.summary.Line()
}

func (o *runOutcome) Unwrap() error { return o.err }

// errNeedsPerson is reconcile's way of saying that it is done but not everything is consistent.
var errNeedsPerson = errors.New("something needs a person: see the report")

// exitCode maps what a command returned to the process's exit code.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errNeedsPerson) {
		return exitAttention
	}
	var outcome *runOutcome
	if !errors.As(err, &outcome) {
		// Refused before any row was tried: bad flags, unreadable or malformed file, unknown
		// organization, token refused, lock held by another run.
		return exitUsage
	}
	s := outcome.summary
	switch {
	case s.Count(importer.StatusNeedsAttention) > 0:
		return exitAttention
	case outcome.err != nil,
		s.Count(importer.StatusInvalid) > 0,
		s.Count(importer.StatusFailed) > 0,
		s.Count(importer.StatusNotAttempted) > 0:
		return exitRowsFailed
	}
	return exitOK
}

// outcomeOf turns a finished run into the command's result: nil when every row went well.
func outcomeOf(summary *importer.Summary, err error) error {
	if summary == nil {
		return err
	}
	outcome := &runOutcome{summary: summary, err: err}
	if exitCode(outcome) == exitOK {
		return nil
	}
	return outcome
}
