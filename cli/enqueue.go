package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/jobs"
)

// queueSettings are import's flags for queueing the import for a worker instead of running it.
type queueSettings struct {
	Enqueue bool
	Strict  bool
	// copy is FILE as --enqueue read it, once: its kind is told, its rows checked and its bytes
	// queued from this one read.
	copy queuedCopy
}

// queuedCopy is the content of the file to queue, and a private copy of it on disk for the
// reader, which reads a path.
type queuedCopy struct {
	content []byte
	dir     string
	path    string
}

// take reads the file at path whole, once, refusing one over jobs.MaxFileBytes (which the flag
// check refused already by its size, unless it grew since, or it is a pipe), and keeps a private
// copy of it.
func (c *queuedCopy) take(path string) error {
	content, err := readForQueue(path)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "storeimport-enqueue-")
	if err != nil {
		return fmt.Errorf("a private copy of the file to check: %w", err)
	}
	c.dir, c.content = dir, content
	c.path = filepath.Join(dir, filepath.Base(path))
	if err := os.WriteFile(c.path, content, 0o600); err != nil {
		return fmt.Errorf("a private copy of the file to check: %w", err)
	}
	return nil
}

// remove deletes the private copy, if one was made.
func (c *queuedCopy) remove() {
	if c.dir != "" {
		os.RemoveAll(c.dir)
	}
}

func (q *queueSettings) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&q.Enqueue, "enqueue", false, "check FILE, then queue its import for a worker (storeimport worker) and print the job's id, "+
		"instead of running it here; PostgreSQL databases only")
	f.BoolVar(&q.Strict, "strict", false, "with --enqueue: refuse the file if any of its rows is invalid")
}

// workerFlags are import's flags for the run itself, which a queued import takes from its worker.
var workerFlags = []string{"endpoint", "token-file", "rate", "burst", "concurrency", "insecure", "format"}

// checkEnqueue refuses what --enqueue cannot do, before any network or database I/O: an SQLite
// database, which no worker on another host shares, and what only a run here would do. Then it
// reads the file, once, and refuses flags that do not fit its kind.
func (o *importOptions) checkEnqueue(cmd *cobra.Command) error {
	if err := jobs.CheckTarget(o.DB.Target); err != nil {
		return usageError(cmd, "--enqueue: %v", err)
	}
	for _, flag := range workerFlags {
		if cmd.Flags().Changed(flag) {
			return usageError(cmd, "--%s is the worker's to set (storeimport worker --%s): a queued import runs with the settings "+
				"of the worker that takes it; leave it out of --enqueue", flag, flag)
		}
	}
	if info, err := os.Stat(o.Input.File); err == nil && info.Size() > jobs.MaxFileBytes {
		return usageError(cmd, "--enqueue: %s is %d bytes, over the %d MiB (%d bytes) a queued file may be (it is kept in the database "+
			"until the job ends): split it into smaller files and enqueue each, or run it here with storeimport import",
			o.Input.File, info.Size(), jobs.MaxFileBytes>>20, jobs.MaxFileBytes)
	}
	switch {
	case o.DryRun:
		return usageError(cmd, "--enqueue queues the import and --dry-run only checks it: give one of them")
	case o.Input.ErrorsCSV != "":
		return usageError(cmd, "--errors-csv is written by the worker that runs the job: once it is finished, "+
			"get it with storeimport jobs show ID --errors-csv PATH")
	}
	if err := o.Queueing.copy.take(o.Input.File); err != nil {
		return err
	}
	return o.checkFileKind(cmd, o.Queueing.copy.path)
}

// runEnqueue checks the file as --enqueue read it, as validate does without the platform, then
// stores the same bytes and queues their import, printing the job's id: a file changed meanwhile
// cannot put other rows in the queue than the ones checked.
func runEnqueue(ctx context.Context, opts *importOptions) error {
	checked := *opts
	checked.Input.File = opts.Queueing.copy.path
	rows, err := checkForQueue(ctx, &checked)
	if err != nil {
		return err
	}
	queue, err := opts.DB.openQueue(ctx, false)
	if err != nil {
		return err
	}
	defer queue.Close()
	id, err := queue.Enqueue(ctx, jobs.Request{OrganizationID: opts.Input.Org, FileName: opts.Input.File, Content: opts.Queueing.copy.content,
		Encoding: opts.Input.Encoding, Sheet: opts.Workbook.Sheet, Lang: opts.Input.Lang})
	if err != nil {
		return err
	}
	opts.Input.logger(opts.Streams.Err).Info(fmt.Sprintf("queued import job %d of %d rows for organization %s: "+
		"a worker (storeimport worker) runs it; follow it with storeimport jobs show %d", id, rows, opts.Input.Org, id))
	_, err = fmt.Fprintln(opts.Streams.Out, id)
	return err
}

// readForQueue reads the file whole, refusing one over jobs.MaxFileBytes.
func readForQueue(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, jobs.MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(content) > jobs.MaxFileBytes {
		return nil, fmt.Errorf("%s gave more than the %d MiB a queued file may be: split it into smaller files "+
			"and enqueue each, or run it here with storeimport import", path, jobs.MaxFileBytes>>20)
	}
	return content, nil
}

// checkForQueue refuses a file with a file error; with --strict, it checks every row as validate
// does (its report on stderr, stdout being for the job's id) and refuses one with an invalid row.
// It returns the file's rows.
func checkForQueue(ctx context.Context, opts *importOptions) (int, error) {
	if !opts.Queueing.Strict {
		file := importer.Job{Path: opts.Input.File, Encoding: opts.Input.Encoding, Sheet: opts.Workbook.Sheet, Log: opts.Input.logger(opts.Streams.Err)}
		plan, err := file.Scan()
		if err != nil {
			return 0, inLang(err, opts.Input.Lang)
		}
		return plan.Rows, nil
	}
	dry := *opts
	dry.DryRun, dry.Platform.Endpoint, dry.Input.Format = true, "", "table"
	dry.Streams.Out = opts.Streams.Err
	summary, err := importRun(ctx, &dry)
	if err != nil {
		return 0, err
	}
	if invalid := summary.Count(importer.StatusInvalid); invalid > 0 {
		return 0, fmt.Errorf("--strict: %d of the %d rows are invalid (see the report above), so nothing was queued; "+
			"fix them, or enqueue without --strict to import the valid rows and send the rest back", invalid, summary.Rows)
	}
	return summary.Rows, nil
}
