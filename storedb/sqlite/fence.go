package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/acme/storeimport/storedb/internal/lease"
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

// why explains a journal write that matched nothing (see lease.Refusal).
func (f *fence) why(ctx context.Context, tx *sql.Tx, entryID int64, expected string) error {
	var org, holder string
	if f != nil {
		org, holder = f.org, f.holder
	}
	return lease.Refusal(org, holder, f != nil, entryID, expected, lease.Lookups{
		Holder: func() (string, bool, error) {
			return scanOne(tx.QueryRowContext(ctx, `SELECT holder FROM organization_locks WHERE platform_org_id = ?`, org))
		},
		State: func() (string, bool, error) {
			return scanOne(tx.QueryRowContext(ctx, `SELECT state FROM import_rows WHERE id = ?`, entryID))
		},
	})
}

// scanOne reads the one text a query selects, saying whether there was a row.
func scanOne(row *sql.Row) (string, bool, error) {
	var v string
	err := row.Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}
