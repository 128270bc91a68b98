package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/jobs"
	"github.com/acme/storeimport/orgclient"
)

// importOptions are the import command's settings; validate is the same run with DryRun set.
type importOptions struct {
	Streams  Streams
	Stop     <-chan struct{}
	DB       dbSettings
	DryRun   bool
	Platform platformSettings
	Input    fileSettings
	Workbook workbookSettings
	Queueing queueSettings
	// Queued is the queued job a worker runs with these options, nil for an import of the
	// command line's own: its report and progress are recorded for `jobs`, and it stops on the
	// job's Stop.
	Queued *jobs.Run
}

func newImportCommand(streams Streams, stop <-chan struct{}) *cobra.Command {
	opts := &importOptions{Streams: streams, Stop: stop}
	cmd := &cobra.Command{
		Use:   "import --org ID --endpoint URL [flags] FILE",
		Short: "Import the stores of FILE: create each shop, turn reservations on, store it locally",
		Example: `  storeimport import --org org_1 --endpoint https://platform.example.com/graphql \
    --token-file token.txt --errors-csv errors.csv stores.csv`,
		RunE: func(cmd *cobra.Command, args []string) error {
			defer opts.Queueing.copy.remove()
			if err := opts.check(cmd, args); err != nil {
				return err
			}
			if opts.Queueing.Enqueue {
				return runEnqueue(cmd.Context(), opts)
			}
			return runImport(cmd.Context(), opts)
		},
	}
	opts.DB.addFlags(cmd)
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "check everything, send no mutation, write nothing (same as validate)")
	opts.Queueing.addFlags(cmd)
	opts.Platform.addFlags(cmd)
	opts.Input.addFlags(cmd)
	opts.Workbook.addFlags(cmd)
	return cmd
}

// check refuses bad flags and files before any network or database I/O.
func (o *importOptions) check(cmd *cobra.Command, args []string) error {
	if err := o.DB.check(cmd); err != nil {
		return err
	}
	if o.Queueing.Strict && !o.Queueing.Enqueue {
		return usageError(cmd, "--strict is for --enqueue: an import run here reports its invalid rows and imports the rest")
	}
	if err := o.Input.check(cmd, args, o.Queueing.Enqueue); err != nil {
		return err
	}
	if o.Queueing.Enqueue {
		return o.checkEnqueue(cmd)
	}
	if err := o.checkFileKind(cmd, o.Input.File); err != nil {
		return err
	}
	if o.Platform.Endpoint == "" && !o.DryRun {
		return usageError(cmd, "--endpoint is required (or set ORG_PLATFORM_ENDPOINT); to check the file without the platform, use validate")
	}
	if err := o.Platform.check(cmd); err != nil {
		return err
	}
	return o.checkErrorsCSVPath(cmd)
}

// runImport runs an import, or a dry run, of one file.
func runImport(ctx context.Context, opts *importOptions) error {
	return outcomeOf(importRun(ctx, opts))
}

// importRun runs an import, or a dry run, of one file, for the command line or for a worker: a
// summary once the run went through its rows, or stopped in them; an error with no summary when
// it never started (a file-level error in the report's language).
func importRun(ctx context.Context, opts *importOptions) (*importer.Summary, error) {
	log := opts.Input.logger(opts.Streams.Err)
	report, err := opts.reporter()
	if err != nil {
		return nil, err
	}
	job := importer.Job{
		OrganizationID: opts.Input.Org,
		Path:           opts.Input.File,
		Encoding:       opts.Input.Encoding,
		Sheet:          opts.Workbook.Sheet,
		Lang:           opts.Input.Lang,
		DryRun:         opts.DryRun,
		Clock:          importer.SystemClock{},
		NewKey:         rand.Text,
		Stop:           opts.Stop,
		Report:         report,
		ErrorsCSVPath:  opts.Input.ErrorsCSV,
		Concurrency:    opts.Platform.Concurrency,
		Log:            log,
	}
	var client *orgclient.Client
	var stats *orgclient.Stats
	if opts.Platform.Endpoint != "" {
		// The token is read before the file so that a missing one is refused before any work.
		if client, err = opts.Platform.client(log); err != nil {
			return nil, err
		}
		job.Platform, stats = client, client.Stats()
	}
	var jsonLog *slog.Logger
	if opts.Input.LogFormat == "json" {
		jsonLog = log
	}
	job.Progress = newProgress(opts.Streams.Err, opts.Platform.Rate, stats, jsonLog)
	if opts.Queued != nil {
		job.Progress = bothProgress{job.Progress, opts.Queued.Progress}
	}
	if opts.DryRun {
		summary, err := importer.DryRun(ctx, job, opts.DB.lookup)
		return finished(summary, err, log, opts.Input.Lang)
	}
	plan, err := job.Scan()
	if err != nil {
		return nil, inLang(err, opts.Input.Lang)
	}
	db, err := opts.DB.open(ctx, false)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	lock, err := db.Lock(ctx, opts.Input.Org, opts.command())
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	if job.TokenFingerprint, err = tokenFingerprint(ctx, db, client); err != nil {
		return nil, err
	}
	// Every write of the run also checks that it still holds the lock.
	fenced := lock.Fenced()
	job.Stores, job.Journal, job.Lookup, job.Lease = fenced, fenced, fenced, lock
	runOver := make(chan struct{})
	defer close(runOver)
	job.Stop = either(opts.Stop, lock.Lost(), runOver)
	summary, err := importer.Run(ctx, job, plan)
	return finished(summary, err, log, opts.Input.Lang)
}

// finished is a run's result: a file-level error in the report's language, or the rows' outcome,
// said to stop early if it did.
func finished(summary *importer.Summary, err error, log *slog.Logger, lang string) (*importer.Summary, error) {
	if summary == nil {
		return nil, inLang(err, lang)
	}
	if summary.StopReason != "" {
		log.Warn("the run stopped early", "reason", summary.StopReason)
	}
	return summary, err
}

// inLang says a file-level error in lang, as the report that the user reads next to it.
func inLang(err error, lang string) error {
	if fileErr := (*importer.FileError)(nil); errors.As(err, &fileErr) {
		return errors.New(fileErr.Render(lang))
	}
	return err
}

// reporter is the run's report: on stdout in --format, or the queued job's record.
func (o *importOptions) reporter() (importer.Reporter, error) {
	if o.Queued != nil {
		return o.Queued.Report, nil
	}
	return importer.NewReporter(o.Streams.Out, o.Input.Format, o.Input.Org, o.DryRun)
}

// command names the run in its lock, for a refusal to name it.
func (o *importOptions) command() string {
	if o.Queued != nil {
		return fmt.Sprintf("storeimport worker, job %d", o.Queued.JobID)
	}
	return "storeimport import " + o.Input.File
}

// exists says whether the database has been made (its first migration applied); a database a
// read-only open found missing has not.
func exists(ctx context.Context, db importer.Database) bool {
	status, err := db.Status(ctx)
	return err != nil || status.Version > 0
}

// tokenFingerprint names the client's token in the journal, under the database's own key.
func tokenFingerprint(ctx context.Context, db importer.Database, client *orgclient.Client) (string, error) {
	key, err := db.FingerprintKey(ctx)
	if err != nil {
		return "", err
	}
	return client.TokenFingerprint(key), nil
}

// either is closed as soon as a or b is: a run stops on an interrupt or on losing its lock. It
// also lets go of a and b once the run is over (done is closed).
func either(a, b, done <-chan struct{}) <-chan struct{} {
	both := make(chan struct{})
	go func() {
		select {
		case <-a:
			close(both)
		case <-b:
			close(both)
		case <-done:
		}
	}()
	return both
}
