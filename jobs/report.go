package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/importer"
)

// saveResult keeps the attempt's report and, when the run wrote one, its errors file, in place
// of an earlier attempt's, if the job's row is still the attempt's (as the caller's transaction,
// holding River's row, has seen already).
func (q *Queue) saveResult(ctx context.Context, tx pgx.Tx, importID int64, attempt int, rec *recorder, errorsPath string) error {
	summary, err := json.Marshal(rec.summary)
	if err != nil {
		return err
	}
	errorsFile, err := openErrorsFile(errorsPath)
	if err != nil {
		return err
	}
	defer errorsFile.close()
	name, size, parts := errorsFile.record()
	tag, err := tx.Exec(ctx, `UPDATE import_jobs SET summary = $3, errors_name = $4, errors_size = $5, errors_parts = $6
		WHERE id = $1 AND attempt = $2`, importID, attempt, summary, name, size, parts)
	if err != nil {
		return fmt.Errorf("saving the job's report: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("saving the job's report: its record (import_jobs %d) no longer names attempt %d", importID, attempt)
	}
	rows, err := rec.rows(importID)
	if err != nil {
		return err
	}
	if err := replaceRows(ctx, tx, importID, "import_job_rows", jobRowColumns, rows); err != nil {
		return fmt.Errorf("saving the job's report: %w", err)
	}
	if err := replaceRows(ctx, tx, importID, "import_job_errors", errorsPartColumns, errorsFile.parts(importID)); err != nil {
		return fmt.Errorf("saving the job's errors file: %w", err)
	}
	return nil
}

// replaceRows puts rows in place of the job's rows of table, with COPY.
func replaceRows(ctx context.Context, tx pgx.Tx, importID int64, table string, columns []string, rows pgx.CopyFromSource) error {
	if _, err := tx.Exec(ctx, `DELETE FROM `+pgx.Identifier{table}.Sanitize()+` WHERE import_id = $1`, importID); err != nil {
		return err
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{table}, columns, rows)
	return err
}

// ErrNoReport is a job with no report yet: no attempt of it got through its rows or was stopped.
var ErrNoReport = errors.New("the job has no report yet")

// Report writes the job's last report to w in format (table, json or csv), as import writes its
// own, and returns its summary; ErrNoReport when there is none yet. The rows are read as they are
// written out, and with the summary in one snapshot, so that another attempt saving its report
// meanwhile cannot mix in.
func (q *Queue) Report(ctx context.Context, id int64, w io.Writer, format string) (*importer.Summary, error) {
	args, err := q.jobArgs(ctx, id)
	if err != nil {
		return nil, err
	}
	var summary *importer.Summary
	snapshot := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err = pgx.BeginTxFunc(ctx, q.db.Pool(), snapshot, func(tx pgx.Tx) error {
		var err error
		if summary, err = savedSummary(ctx, tx, id, args.ImportID); err != nil {
			return err
		}
		out, err := importer.NewReporter(w, format, args.OrganizationID, false)
		if err != nil {
			return err
		}
		if err := writeSavedRows(ctx, tx, args.ImportID, out); err != nil {
			return fmt.Errorf("reading job %d's report: %w", id, err)
		}
		return out.Close(summary)
	})
	return summary, err
}

// savedSummary is the summary of the job's last report; ErrNoReport when it has none.
func savedSummary(ctx context.Context, tx pgx.Tx, id, importID int64) (*importer.Summary, error) {
	var raw []byte
	if err := tx.QueryRow(ctx, `SELECT summary FROM import_jobs WHERE id = $1`, importID).Scan(&raw); err != nil {
		return nil, fmt.Errorf("reading job %d's report: %w", id, err)
	}
	if raw == nil {
		return nil, fmt.Errorf("job %d: %w", id, ErrNoReport)
	}
	var summary importer.Summary
	if err := json.Unmarshal(raw, &summary); err != nil {
		return nil, fmt.Errorf("job %d's report: %w", id, err)
	}
	return &summary, nil
}

// writeSavedRows hands the report's rows to out in the order the run reported them.
func writeSavedRows(ctx context.Context, tx pgx.Tx, importID int64, out importer.Reporter) error {
	rows, err := tx.Query(ctx, `SELECT line, public_id, status, shop_id, error FROM import_job_rows WHERE import_id = $1 ORDER BY seq`, importID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var res importer.Result
		if err := rows.Scan(&res.Line, &res.PublicID, &res.Status, &res.ShopID, &res.Error); err != nil {
			return err
		}
		if err := out.Row(res); err != nil {
			return err
		}
	}
	return rows.Err()
}
