package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/importer"
)

// recorded is an attempt's report as kept in import_jobs.report: its rows and its summary, which
// `jobs show` and the support page write out again in any of the report's formats.
type recorded struct {
	Rows    []importer.Result `json:"rows"`
	Summary *importer.Summary `json:"summary"`
}

// recorder is the importer.Reporter of a worker's run: it keeps the rows, without the merchant's
// record (the errors file has that), for the report saved when the run ends.
type recorder struct {
	report recorded
}

func (r *recorder) Row(res importer.Result) error {
	res.Row = nil
	r.report.Rows = append(r.report.Rows, res)
	return nil
}

func (r *recorder) Close(s *importer.Summary) error {
	r.report.Summary = s
	return nil
}

// saveResult keeps the attempt's report and, when the run wrote one, its errors file, if the
// job's row is still the attempt's.
func (q *Queue) saveResult(ctx context.Context, tx pgx.Tx, importID int64, attempt int, rec *recorder, errorsPath string) error {
	report, err := json.Marshal(rec.report)
	if err != nil {
		return err
	}
	errorsFile, err := os.ReadFile(errorsPath)
	var errorsName *string
	switch {
	case err == nil:
		name := filepath.Base(errorsPath)
		errorsName = &name
	case errors.Is(err, os.ErrNotExist):
		errorsFile = nil
	default:
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE import_jobs SET report = $3, errors_file = $4, errors_name = $5 WHERE id = $1 AND attempt = $2`,
		importID, attempt, report, errorsFile, errorsName)
	if err != nil {
		return fmt.Errorf("saving the job's report: %w", err)
	}
	return nil
}

// ErrNoReport is a job with no report yet: no attempt of it got through its rows or was stopped.
var ErrNoReport = errors.New("the job has no report yet")

// Report writes the job's last report to w in format (table, json or csv), as import writes its
// own, and returns its summary; ErrNoReport when there is none yet.
func (q *Queue) Report(ctx context.Context, id int64, w io.Writer, format string) (*importer.Summary, error) {
	row, err := q.job(ctx, id)
	if err != nil {
		return nil, err
	}
	var args ImportArgs
	if err := json.Unmarshal(row.EncodedArgs, &args); err != nil {
		return nil, err
	}
	var raw []byte
	if err := q.db.Pool().QueryRow(ctx, `SELECT report FROM import_jobs WHERE id = $1`, args.ImportID).Scan(&raw); err != nil {
		return nil, fmt.Errorf("reading job %d's report: %w", id, err)
	}
	if raw == nil {
		return nil, fmt.Errorf("job %d: %w", id, ErrNoReport)
	}
	var rep recorded
	if err := json.Unmarshal(raw, &rep); err != nil {
		return nil, fmt.Errorf("job %d's report: %w", id, err)
	}
	out, err := importer.NewReporter(w, format, args.OrganizationID, false)
	if err != nil {
		return nil, err
	}
	for _, res := range rep.Rows {
		if err := out.Row(res); err != nil {
			return nil, err
		}
	}
	return rep.Summary, out.Close(rep.Summary)
}

// ErrorsFile returns the errors file of the job's last report, the rows to send back to the
// merchant (a CSV in the merchant's encoding, or a workbook for a workbook), with its name (such
// as errors.csv); ErrNoReport when the job has none.
func (q *Queue) ErrorsFile(ctx context.Context, id int64) (name string, content []byte, err error) {
	row, err := q.job(ctx, id)
	if err != nil {
		return "", nil, err
	}
	var args ImportArgs
	if err := json.Unmarshal(row.EncodedArgs, &args); err != nil {
		return "", nil, err
	}
	var stored *string
	err = q.db.Pool().QueryRow(ctx, `SELECT errors_name, errors_file FROM import_jobs WHERE id = $1`, args.ImportID).Scan(&stored, &content)
	if err != nil {
		return "", nil, fmt.Errorf("reading job %d's errors file: %w", id, err)
	}
	if stored == nil {
		return "", nil, fmt.Errorf("job %d: %w: no errors file (it has none until it gets through its rows)", id, ErrNoReport)
	}
	return *stored, content, nil
}
