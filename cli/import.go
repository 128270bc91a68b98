package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/acme/storeimport/importer"
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
}

func newImportCommand(streams Streams, stop <-chan struct{}) *cobra.Command {
	opts := &importOptions{Streams: streams, Stop: stop}
	cmd := &cobra.Command{
		Use:   "import --org ID --endpoint URL [flags] FILE",
		Short: "Import the stores of FILE: create each shop, turn reservations on, store it locally",
		Example: `  storeimport import --org org_1 --endpoint https://platform.example.com/graphql \
    --token-file token.txt --errors-csv errors.csv stores.csv`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(cmd, args); err != nil {
				return err
			}
			return runImport(cmd.Context(), opts)
		},
	}
	opts.DB.addFlags(cmd)
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "check everything, send no mutation, write nothing (same as validate)")
	opts.Platform.addFlags(cmd)
	opts.Input.addFlags(cmd)
	opts.Workbook.addFlags(cmd)
	return cmd
}

// check refuses bad flags and files before any network or database I/O.
func (o *importOptions) check(cmd *cobra.Command, args []string) error {
	if err := o.Input.check(cmd, args); err != nil {
		return err
	}
	if err := o.checkFileKind(cmd); err != nil {
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
	log := opts.Input.logger(opts.Streams.Err)
	report, err := importer.NewReporter(opts.Streams.Out, opts.Input.Format, opts.Input.Org, opts.DryRun)
	if err != nil {
		return err
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
			return err
		}
		job.Platform, stats = client, client.Stats()
	}
	var jsonLog *slog.Logger
	if opts.Input.LogFormat == "json" {
		jsonLog = log
	}
	job.Progress = newProgress(opts.Streams.Err, opts.Platform.Rate, stats, jsonLog)
	if opts.DryRun {
		summary, err := importer.DryRun(ctx, job, opts.DB.lookup)
		return finished(summary, err, log, opts.Input.Lang)
	}
	plan, err := job.Scan()
	if err != nil {
		return inLang(err, opts.Input.Lang)
	}
	db, err := opts.DB.open(ctx, false)
	if err != nil {
		return err
	}
	defer db.Close()
	lock, err := db.Lock(ctx, opts.Input.Org, "storeimport import "+opts.Input.File)
	if err != nil {
		return err
	}
	defer lock.Release()
	if job.TokenFingerprint, err = tokenFingerprint(ctx, db, client); err != nil {
		return err
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

// finished is the command's result of a run: a file-level error in the report's language, or the
// rows' outcome, said to stop early if it did.
func finished(summary *importer.Summary, err error, log *slog.Logger, lang string) error {
	if summary == nil {
		return inLang(err, lang)
	}
	if summary.StopReason != "" {
		log.Warn("the run stopped early", "reason", summary.StopReason)
	}
	return outcomeOf(summary, err)
}

// inLang says a file-level error in lang, as the report that the user reads next to it.
func inLang(err error, lang string) error {
	if fileErr := (*importer.FileError)(nil); errors.As(err, &fileErr) {
		return errors.New(fileErr.Render(lang))
	}
	return err
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
