package jobs

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/acme/storeimport/importer"
)

// recorder is the importer.Reporter of a worker's run: it writes each row's result, without the
// merchant's record (the errors file has that), to a file as the row ends, rather than keeping
// them: a job of hundreds of thousands of rows would hold them all until its end. saveResult
// copies them into import_job_rows.
type recorder struct {
	file    *os.File
	out     *bufio.Writer
	summary *importer.Summary
}

// newRecorder records the rows in a file of a name of its own in dir (beside the job's file,
// whatever that is named), which the caller removes.
func newRecorder(dir string) (*recorder, error) {
	file, err := os.CreateTemp(dir, "report-*.jsonl")
	if err != nil {
		return nil, fmt.Errorf("making a file for the job's report in %s: %w%s", dir, err, ifNoRoom(err))
	}
	return &recorder{file: file, out: bufio.NewWriter(file)}, nil
}

func (r *recorder) Row(res importer.Result) error {
	res.Row = nil
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	if _, err := r.out.Write(line); err != nil {
		return r.failed(err)
	}
	return nil
}

func (r *recorder) Close(s *importer.Summary) error {
	r.summary = s
	if err := r.out.Flush(); err != nil {
		return r.failed(err)
	}
	return nil
}

// failed says what a write of the report's file that failed means to whoever reads the worker's log.
func (r *recorder) failed(err error) error {
	return fmt.Errorf("recording the job's report in %s: %w%s", r.file.Name(), err, ifNoRoom(err))
}

// ifNoRoom says what to do when the disk or the quota is full.
func ifNoRoom(err error) string {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return "; free space there, or set TMPDIR to a directory with room"
	}
	return ""
}

// release closes the file; the caller's dir goes with it.
func (r *recorder) release() { r.file.Close() }

// rows reads the recorded results back from the start, for CopyFrom.
func (r *recorder) rows(importID int64) (*recordedRows, error) {
	if err := r.out.Flush(); err != nil {
		return nil, r.failed(err)
	}
	if _, err := r.file.Seek(0, io.SeekStart); err != nil {
		return nil, r.failed(err)
	}
	return &recordedRows{importID: importID, in: json.NewDecoder(bufio.NewReader(r.file))}, nil
}

// recordedRows is a recorder's results as a pgx.CopyFromSource of import_job_rows.
type recordedRows struct {
	importID int64
	in       *json.Decoder
	seq      int
	result   importer.Result
	err      error
}

var jobRowColumns = []string{"import_id", "seq", "line", "public_id", "status", "shop_id", "error"}

func (s *recordedRows) Next() bool {
	s.result = importer.Result{}
	if err := s.in.Decode(&s.result); err != nil {
		if !errors.Is(err, io.EOF) {
			s.err = fmt.Errorf("reading the job's recorded report: %w", err)
		}
		return false
	}
	s.seq++
	return true
}

func (s *recordedRows) Values() ([]any, error) {
	r := s.result
	return []any{s.importID, s.seq, r.Line, r.PublicID, string(r.Status), r.ShopID, r.Error}, nil
}

func (s *recordedRows) Err() error { return s.err }
