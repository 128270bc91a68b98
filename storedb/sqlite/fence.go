package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/acme/storeimport/importer"
)

// fence is the organization lock a journal write requires: the write and the check that the
// lock is still this run's are one statement, so no successor's record can come between them.
type fence struct {
	org    string
	holder string
}

// held is a SQL condition that the lock is still held, with its arguments; always true unfenced.
func (f *fence) held() (string, []any) {
	if f == nil {
		return "1 = 1", nil
	}
	return "EXISTS (SELECT 1 FROM organization_locks WHERE platform_org_id = ? AND holder = ?)", []any{f.org, f.holder}
}

// why explains a journal write that matched nothing: the lock was lost, or the entry is no longer
// in the state the writer expected, which means another run has moved it on.
func (f *fence) why(ctx context.Context, tx *sql.Tx, entryID int64, expected string) error {
	if f != nil {
		var holder string
		err := tx.QueryRowContext(ctx, `SELECT holder FROM organization_locks WHERE platform_org_id = ?`, f.org).Scan(&holder)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && holder != f.holder) {
			return fmt.Errorf("%w: another run holds the lock of organization %s now", importer.ErrSuperseded, f.org)
		}
		if err != nil {
			return err
		}
	}
	if entryID == 0 {
		return errors.New("the journal refused a new attempt although this run holds the lock")
	}
	var state string
	err := tx.QueryRowContext(ctx, `SELECT state FROM import_rows WHERE id = ?`, entryID).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("journal entry %d is missing", entryID)
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("%w: journal entry %d is %s, not %s as this run left it", importer.ErrSuperseded, entryID, state, expected)
}
