package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/jobs"
	"github.com/acme/storeimport/orgclient"
	"github.com/acme/storeimport/sharedlimit"
)

// workerOptions are the worker command's settings: the import's, for every job it runs.
type workerOptions struct {
	Streams     Streams
	Stop        <-chan struct{}
	DB          dbSettings
	Platform    platformSettings
	Jobs        int
	RescueAfter time.Duration
	LogFormat   string
	Verbose     bool
}

// minRescueAfter keeps the heartbeat (a quarter of it) from hammering the database.
const minRescueAfter = 2 * time.Second

func newWorkerCommand(streams Streams, stop <-chan struct{}) *cobra.Command {
	opts := &workerOptions{Streams: streams, Stop: stop}
	cmd := &cobra.Command{
		Use:   "worker --endpoint URL [flags]",
		Short: "Run queued imports (import --enqueue) until stopped; any number of workers, on any hosts, share the queue",
		Long: `worker runs the imports queued in the PostgreSQL database, one organization's at a time, each as
import runs it: the same checks, journal, recovery and organization lock. Workers sharing a token
share its rate limit (--rate, --burst) through the database, whatever their number. SIGTERM or
Ctrl-C lets the rows in flight finish and hands the job back to the queue; a worker that dies
leaves its job to another after --rescue-after.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(cmd); err != nil {
				return err
			}
			return runWorker(cmd.Context(), opts)
		},
	}
	opts.DB.addFlags(cmd)
	opts.Platform.addFlags(cmd)
	f := cmd.Flags()
	f.IntVar(&opts.Jobs, "jobs", 1, "imports at once (1..16), each of its own organization")
	f.DurationVar(&opts.RescueAfter, "rescue-after", time.Minute, "how long a job whose worker died waits before another worker takes it")
	f.StringVar(&opts.LogFormat, "log-format", "text", "logs on stderr: text, json")
	f.BoolVar(&opts.Verbose, "verbose", false, "log a line per platform request")
	return cmd
}

// check refuses bad flags, an SQLite database and a missing token before any I/O.
func (o *workerOptions) check(cmd *cobra.Command) error {
	if err := o.DB.check(cmd); err != nil {
		return err
	}
	if err := jobs.CheckTarget(o.DB.Target); err != nil {
		return usageError(cmd, "worker: %v", err)
	}
	switch {
	case o.Platform.Endpoint == "":
		return usageError(cmd, "--endpoint is required (or set ORG_PLATFORM_ENDPOINT)")
	case o.Jobs < 1 || o.Jobs > 16:
		return usageError(cmd, "--jobs must be from 1 to 16, got %d", o.Jobs)
	case o.RescueAfter < minRescueAfter:
		return usageError(cmd, "--rescue-after must be at least %v, got %v", minRescueAfter, o.RescueAfter)
	case !slices.Contains(logFormats, o.LogFormat):
		return usageError(cmd, "--log-format must be one of text, json, got %q", o.LogFormat)
	}
	if err := o.Platform.check(cmd); err != nil {
		return err
	}
	_, err := o.Platform.token()
	return err
}

// runWorker runs queued imports until stopped, every one waiting on the rate limit that the
// workers using this token share in the database.
func runWorker(ctx context.Context, opts *workerOptions) error {
	queue, err := opts.DB.openWorkerQueue(ctx, opts.Jobs)
	if err != nil {
		return err
	}
	defer queue.Close()
	token, err := opts.Platform.token()
	if err != nil {
		return err
	}
	key, err := queue.DB().FingerprintKey(ctx)
	if err != nil {
		return err
	}
	bucket := "token:" + orgclient.Fingerprint(token, key)
	opts.Platform.Limit = func(perSecond float64, burst int) orgclient.Limiter {
		return sharedlimit.New(queue.DB().Pool(), bucket, perSecond, burst)
	}
	perSecond, burst := orgclient.KeptLimit(opts.Platform.Rate, opts.Platform.Burst)
	settings := fmt.Sprintf("--rate %g --burst %d", opts.Platform.Rate, opts.Platform.Burst)
	release, err := sharedlimit.New(queue.DB().Pool(), bucket, perSecond, burst).Claim(ctx, settings)
	if err != nil {
		return err
	}
	defer release()
	return queue.Work(ctx, jobs.WorkerConfig{
		Run:         opts.runJob,
		Jobs:        opts.Jobs,
		RescueAfter: opts.RescueAfter,
		Stop:        opts.Stop,
		Log:         newLogger(opts.Streams.Err, opts.LogFormat, opts.Verbose),
	})
}

// runJob runs one queued import the way import runs one, with the job's file and reading options
// and the worker's platform and database.
func (o *workerOptions) runJob(ctx context.Context, run jobs.Run) (*importer.Summary, error) {
	return importRun(ctx, &importOptions{
		Streams:  Streams{Out: io.Discard, Err: o.Streams.Err},
		Stop:     run.Stop,
		DB:       o.DB,
		Platform: o.Platform,
		Input: fileSettings{Org: run.Args.OrganizationID, Encoding: run.Args.Encoding, Lang: run.Args.Lang,
			ErrorsCSV: run.ErrorsPath, LogFormat: o.LogFormat, Verbose: o.Verbose, File: run.Path},
		Workbook: workbookSettings{Sheet: run.Args.Sheet},
		Queued:   &run,
	})
}
