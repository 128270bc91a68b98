package postgres

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/importer"
)

// querier is a pool or a transaction: where a refused write is explained.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// fence is the organization lock a journal write requires: the write and the check that the
// lock is still this run's are one statement, so no successor's record can come between them.
type fence struct {
	org    string
	holder string
}

// held is an SQL condition that the lock is still held, added to args; always true unfenced.
// FOR SHARE makes the write and a takeover wait for each other: under READ COMMITTED a plain
// subquery reads the holder row as it was when the statement began, so a write could pass on a
// row a successor had overwritten meanwhile. Locked, the row is read as last committed, and the
// successor's overwrite waits until the write's transaction is over.
func (f *fence) held(args pgx.NamedArgs) (string, pgx.NamedArgs) {
	if f == nil {
		return "TRUE", args
	}
	args = maps.Clone(args)
	args["fence_org"], args["fence_holder"] = f.org, f.holder
	return "EXISTS (SELECT 1 FROM organization_locks WHERE platform_org_id = @fence_org AND holder = @fence_holder FOR SHARE)", args
}

// why explains a journal write that matched nothing: the lock was lost, or the entry is no longer
// in the state the writer expected, which means another run has moved it on.
func (f *fence) why(ctx context.Context, db querier, entryID int64, expected string) error {
	if f != nil {
		var holder string
		err := db.QueryRow(ctx, `SELECT holder FROM organization_locks WHERE platform_org_id = $1`, f.org).Scan(&holder)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && holder != f.holder) {
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
	err := db.QueryRow(ctx, `SELECT state FROM import_rows WHERE id = $1`, entryID).Scan(&state)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("journal entry %d is missing", entryID)
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("%w: journal entry %d is %s, not %s as this run left it", importer.ErrSuperseded, entryID, state, expected)
}
