package postgres

import (
	"context"
	"errors"
	"maps"

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/storedb/internal/lease"
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

// why explains a journal write that matched nothing (see lease.Refusal).
func (f *fence) why(ctx context.Context, db querier, entryID int64, expected string) error {
	var org, holder string
	if f != nil {
		org, holder = f.org, f.holder
	}
	return lease.Refusal(org, holder, f != nil, entryID, expected, lease.Lookups{
		Holder: func() (string, bool, error) {
			return scanOne(db.QueryRow(ctx, `SELECT holder FROM organization_locks WHERE platform_org_id = $1`, org))
		},
		State: func() (string, bool, error) {
			return scanOne(db.QueryRow(ctx, `SELECT state FROM import_rows WHERE id = $1`, entryID))
		},
	})
}

// scanOne reads the one text a query selects, saying whether there was a row.
func scanOne(row pgx.Row) (string, bool, error) {
	var v string
	err := row.Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}
