package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/internal/atomicfile"
	"github.com/acme/storeimport/jobs"
)

// jobsOptions are the settings of jobs and its subcommands.
type jobsOptions struct {
	Streams   Streams
	DB        dbSettings
	Org       string
	Format    string
	ErrorsCSV string
	ID        int64
}

var jobsFormats = []string{"table", "json"}

func newJobsCommand(streams Streams) *cobra.Command {
	opts := &jobsOptions{Streams: streams}
	cmd := &cobra.Command{
		Use:   "jobs [--org ID] [--format table|json]",
		Short: "List the queued imports (import --enqueue): queued, running with progress, finished with counts, failed with the reason",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(cmd, jobsFormats); err != nil {
				return err
			}
			return runJobsList(cmd.Context(), opts)
		},
	}
	opts.DB.addFlags(cmd)
	cmd.Flags().StringVar(&opts.Org, "org", "", "only this organization's jobs")
	cmd.Flags().StringVar(&opts.Format, "format", "table", "output format: "+strings.Join(jobsFormats, ", "))
	cmd.AddCommand(newJobsShowCommand(streams), newJobsCancelCommand(streams))
	return cmd
}

func newJobsShowCommand(streams Streams) *cobra.Command {
	opts := &jobsOptions{Streams: streams}
	cmd := &cobra.Command{
		Use:   "show ID [--format table|json|csv] [--errors-csv PATH]",
		Short: "Say where a job is; for one that went through its rows, print its report as import does, and write its errors file",
		Long: `show prints the job's state and progress on stderr and, once an attempt of it went through its rows
(or was stopped in them), that attempt's report on stdout as import prints it, exiting as import
would have. --errors-csv PATH writes the rows to send back to the merchant, as import's --errors-csv
does (a workbook, named .xlsx, when the file was one).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.checkID(cmd, args); err != nil {
				return err
			}
			if err := opts.check(cmd, importer.Formats); err != nil {
				return err
			}
			return runJobsShow(cmd.Context(), opts)
		},
	}
	opts.DB.addFlags(cmd)
	cmd.Flags().StringVar(&opts.Format, "format", "table", "report format on stdout: "+strings.Join(importer.Formats, ", "))
	cmd.Flags().StringVar(&opts.ErrorsCSV, "errors-csv", "", "write the job's errors file (its invalid and failed rows, with an error column) to this path")
	return cmd
}

func newJobsCancelCommand(streams Streams) *cobra.Command {
	opts := &jobsOptions{Streams: streams, Format: "table"}
	cmd := &cobra.Command{
		Use:   "cancel ID",
		Short: "Cancel a job: a queued one at once, a running one as an interrupt stops an import (the rows in flight finish)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.checkID(cmd, args); err != nil {
				return err
			}
			if err := opts.check(cmd, jobsFormats); err != nil {
				return err
			}
			return runJobsCancel(cmd.Context(), opts)
		},
	}
	opts.DB.addFlags(cmd)
	return cmd
}

// check refuses bad flags and an SQLite database before any I/O.
func (o *jobsOptions) check(cmd *cobra.Command, formats []string) error {
	if err := o.DB.check(cmd); err != nil {
		return err
	}
	if !slices.Contains(formats, o.Format) {
		return usageError(cmd, "--format must be one of %s, got %q", strings.Join(formats, ", "), o.Format)
	}
	if err := jobs.CheckTarget(o.DB.Target); err != nil {
		return usageError(cmd, "%v", err)
	}
	return nil
}

func (o *jobsOptions) checkID(cmd *cobra.Command, args []string) error {
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id < 1 {
		return usageError(cmd, "%q is not a job id: give the number import --enqueue printed, or that storeimport jobs lists", args[0])
	}
	o.ID = id
	return nil
}

// withQueue runs f on the queue of the database the options name, opened by open.
func (o *jobsOptions) withQueue(ctx context.Context, open func(context.Context) (*jobs.Queue, error), f func(*jobs.Queue) error) error {
	queue, err := open(ctx)
	if err != nil {
		return err
	}
	defer queue.Close()
	return f(queue)
}

// readOnly opens the queue to list and show jobs: reading, it creates nothing, and a database
// with no queue yet (a mistyped --db-schema, say) has no jobs.
func (o *jobsOptions) readOnly(ctx context.Context) (*jobs.Queue, error) {
	return o.DB.openQueue(ctx, true)
}

func runJobsList(ctx context.Context, opts *jobsOptions) error {
	return opts.withQueue(ctx, opts.readOnly, func(queue *jobs.Queue) error {
		list, err := queue.List(ctx, opts.Org)
		if err != nil {
			return err
		}
		if opts.Format == "json" {
			return writeJSON(opts.Streams.Out, list)
		}
		return writeJobs(opts.Streams.Out, list)
	})
}

func writeJobs(w io.Writer, list []*jobs.Status) error {
	if len(list) == 0 {
		_, err := fmt.Fprintln(w, "no import jobs")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tORGANIZATION\tSTATE\tPROGRESS\tFILE\tLANG\tENQUEUED\tDETAIL")
	for _, s := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, importer.QuoteIfControl(s.OrganizationID), s.State, progressOf(s),
			importer.QuoteIfControl(s.File), s.Lang, s.EnqueuedAt.Local().Format(time.DateTime), importer.QuoteIfControl(detailOf(s)))
	}
	return tw.Flush()
}

// progressOf is rows done of the file's rows, once a worker has started on it.
func progressOf(s *jobs.Status) string {
	if s.RowsTotal == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d (%d%%)", s.RowsDone, s.RowsTotal, 100*s.RowsDone/s.RowsTotal)
}

// detailOf is how the job's rows ended so far, or why it failed or waits again.
func detailOf(s *jobs.Status) string {
	if s.Reason != "" {
		return s.Reason
	}
	if s.RowsDone == 0 {
		return ""
	}
	return (&importer.Summary{Counts: s.Counts, Rows: s.RowsDone}).Line()
}

func runJobsShow(ctx context.Context, opts *jobsOptions) error {
	return opts.withQueue(ctx, opts.readOnly, func(queue *jobs.Queue) error { return showJob(ctx, queue, opts) })
}

func showJob(ctx context.Context, queue *jobs.Queue, opts *jobsOptions) error {
	status, err := queue.Get(ctx, opts.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Streams.Err, "job %d of organization %s (%s): %s, attempt %d; progress %s %s\n", status.ID,
		importer.QuoteIfControl(status.OrganizationID), importer.QuoteIfControl(status.File), status.State, status.Attempt, progressOf(status),
		importer.QuoteIfControl(detailOf(status)))
	if opts.ErrorsCSV != "" {
		if err := writeJobErrors(ctx, queue, opts.ID, opts.ErrorsCSV); err != nil {
			return err
		}
	}
	summary, err := queue.Report(ctx, opts.ID, opts.Streams.Out, opts.Format)
	if errors.Is(err, jobs.ErrNoReport) {
		fmt.Fprintf(opts.Streams.Err, "no report yet: an attempt has one once it goes through the rows or is stopped in them\n")
		return nil
	}
	return outcomeOf(summary, err)
}

// writeJobErrors writes the job's errors file to path, refusing a name of the other kind.
func writeJobErrors(ctx context.Context, queue *jobs.Queue, id int64, path string) error {
	errorsFile, err := queue.ErrorsFile(ctx, id)
	if err != nil {
		return err
	}
	if want := filepath.Ext(errorsFile.Name); !strings.EqualFold(filepath.Ext(path), want) {
		return fmt.Errorf("--errors-csv %s: job %d's errors file is a %s file, as the file it imported: name it %s", path, id, want,
			strings.TrimSuffix(path, filepath.Ext(path))+want)
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("the errors file: %w", err)
	}
	if err := errorsFile.Copy(ctx, f); err != nil {
		f.Abandon()
		return fmt.Errorf("--errors-csv %s: %w; nothing was written there", path, err)
	}
	return f.Commit()
}

func runJobsCancel(ctx context.Context, opts *jobsOptions) error {
	return opts.withQueue(ctx, opts.DB.openExistingQueue, func(queue *jobs.Queue) error { return cancelJob(ctx, queue, opts) })
}

func cancelJob(ctx context.Context, queue *jobs.Queue, opts *jobsOptions) error {
	status, err := queue.Cancel(ctx, opts.ID)
	if err != nil {
		return err
	}
	switch status.State {
	case jobs.Cancelled:
		_, err = fmt.Fprintf(opts.Streams.Out, "job %d cancelled\n", status.ID)
	case jobs.Running:
		_, err = fmt.Fprintf(opts.Streams.Out, "job %d is being cancelled: its worker finishes the rows in flight and stops "+
			"(storeimport jobs show %d says when)\n", status.ID, status.ID)
	default:
		_, err = fmt.Fprintf(opts.Streams.Out, "job %d was already %s: nothing to cancel\n", status.ID, status.State)
	}
	return err
}
