package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	return &savedErrors{path: path, file: file, buf: make([]byte, errorsPart)}, nil
}

// name is the errors file's, nil when there is none.
func (e *savedErrors) name() *string {
	if e.file == nil {
		return nil
	}
	name := filepath.Base(e.path)
	return &name
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
	f := &ErrorsFile{q: q, importID: args.ImportID}
	err = q.db.Pool().QueryRow(ctx, `SELECT errors_name, (SELECT coalesce(sum(octet_length(part)), 0) FROM import_job_errors WHERE import_id = $1)
		FROM import_jobs WHERE id = $1`, args.ImportID).Scan(&name, &f.Size)
	if err != nil {
		return nil, fmt.Errorf("reading job %d's errors file: %w", id, err)
	}
	if name == nil {
		return nil, fmt.Errorf("job %d: %w: no errors file (it has none until it gets through its rows)", id, ErrNoReport)
	}
	f.Name = *name
	return f, nil
}

// Copy writes the errors file to w a part at a time. A file that another attempt replaced since
// ErrorsFile found it (only a running job's can be) is not the size found: that is an error.
func (f *ErrorsFile) Copy(ctx context.Context, w io.Writer) error {
	rows, err := f.q.db.Pool().Query(ctx, `SELECT part FROM import_job_errors WHERE import_id = $1 ORDER BY seq`, f.importID)
	if err != nil {
		return fmt.Errorf("reading the errors file: %w", err)
	}
	defer rows.Close()
	var written int64
	for rows.Next() {
		var part []byte
		if err := rows.Scan(&part); err != nil {
			return fmt.Errorf("reading the errors file: %w", err)
		}
		n, err := w.Write(part)
		written += int64(n)
		if err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading the errors file: %w", err)
	}
	if written != f.Size {
		return fmt.Errorf("the errors file changed while it was read (another attempt of the job saved its own): get it again")
	}
	return nil
}
