package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5"
)

// errorsPart is how much of an errors file one row of import_job_errors holds: a worker saves it,
// and `jobs show` and the support page send it on, a part at a time, never whole (it can be as
// large as the job's file, 100 MiB).
const errorsPart = 1 << 20

var errorsPartColumns = []string{"import_id", "seq", "part"}

// savedErrors is the errors file an attempt wrote, if it wrote one, to save.
type savedErrors struct {
	path string
	file *os.File // nil when the run wrote none
	size int64
	seq  int
	buf  []byte
	err  error
}

func openErrorsFile(path string) (*savedErrors, error) {
	file, err := os.Open(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return &savedErrors{path: path}, nil
	case err != nil:
		return nil, fmt.Errorf("reading the job's errors file: %w", err)
	}
	info, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("reading the job's errors file: %w", err)
	}
	return &savedErrors{path: path, file: file, size: info.Size(), buf: make([]byte, errorsPart)}, nil
}

// record is what import_jobs keeps of the errors file: its name, size and number of parts, all
// nil when there is none.
func (e *savedErrors) record() (name *string, size *int64, parts *int64) {
	if e.file == nil {
		return nil, nil, nil
	}
	base, count := filepath.Base(e.path), (e.size+errorsPart-1)/errorsPart
	return &base, &e.size, &count
}

func (e *savedErrors) close() {
	if e.file != nil {
		e.file.Close()
	}
}

// parts is the file as a pgx.CopyFromSource of import_job_errors.
func (e *savedErrors) parts(importID int64) *errorsParts {
	return &errorsParts{savedErrors: e, importID: importID}
}

type errorsParts struct {
	*savedErrors
	importID int64
	n        int
}

func (p *errorsParts) Next() bool {
	if p.file == nil || p.err != nil {
		return false
	}
	n, err := io.ReadFull(p.file, p.buf)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil
	}
	if err != nil {
		p.err = fmt.Errorf("reading the job's errors file: %w", err)
		return false
	}
	p.n = n
	p.seq++
	return n > 0
}

func (p *errorsParts) Values() ([]any, error) {
	return []any{p.importID, p.seq, p.buf[:p.n]}, nil
}

func (p *errorsParts) Err() error { return p.err }

// ErrorsFile is a job's errors file as its last attempt saved it: the rows to send back to the
// merchant (a CSV in the merchant's encoding, or a workbook for a workbook).
type ErrorsFile struct {
	Name     string // such as stores-errors.csv
	Size     int64
	id       int64
	parts    int
	attempt  int
	q        *Queue
	importID int64
}

// ErrorsFile finds the errors file of the job's last report; ErrNoReport when the job has none.
func (q *Queue) ErrorsFile(ctx context.Context, id int64) (*ErrorsFile, error) {
	args, err := q.jobArgs(ctx, id)
	if err != nil {
		return nil, err
	}
	var name *string
	f := &ErrorsFile{id: id, q: q, importID: args.ImportID}
	err = q.db.Pool().QueryRow(ctx, `SELECT errors_name, coalesce(errors_size, 0), coalesce(errors_parts, 0), attempt FROM import_jobs WHERE id = $1`,
		args.ImportID).Scan(&name, &f.Size, &f.parts, &f.attempt)
	if err != nil {
		return nil, fmt.Errorf("reading job %d's errors file: %w", id, err)
	}
	if name == nil {
		return nil, fmt.Errorf("job %d: %w: no errors file (it has none until it gets through its rows)", id, ErrNoReport)
	}
	f.Name = *name
	return f, nil
}

// ErrErrorsFileReplaced is an errors file that another attempt of its job took over while it
// was being copied: only a job that is still running has one.
var ErrErrorsFileReplaced = errors.New("another attempt of the job took it over while it was read: get it again once the job ends")

// Copy writes the errors file to w a part at a time, each in a query of its own, so that a slow
// reader keeps no connection and no snapshot. The parts are those of the attempt that saved the
// file: once another attempt claims the job, the copy stops with ErrErrorsFileReplaced.
func (f *ErrorsFile) Copy(ctx context.Context, w io.Writer) error {
	for seq := 1; seq <= f.parts; seq++ {
		var part []byte
		err := f.q.db.Pool().QueryRow(ctx, `SELECT e.part FROM import_job_errors e JOIN import_jobs j ON j.id = e.import_id
			WHERE e.import_id = $1 AND e.seq = $2 AND j.attempt = $3`, f.importID, seq, f.attempt).Scan(&part)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("job %d's errors file: %w", f.id, ErrErrorsFileReplaced)
		}
		if err != nil {
			return fmt.Errorf("reading job %d's errors file: %w", f.id, err)
		}
		if _, err := w.Write(part); err != nil {
			return fmt.Errorf("writing job %d's errors file: %w", f.id, err)
		}
	}
	return nil
}
