package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/importer"
)

// Status says which database this is, how far it is migrated, who holds which organization's
// lock, and how many attempts each organization has left unfinished. It only reads.
func (d *DB) Status(ctx context.Context) (*importer.DatabaseStatus, error) {
	status := &importer.DatabaseStatus{Kind: "postgres", Location: d.location, Unfinished: map[string]int{}}
	if d.pool == nil {
		return status, nil
	}
	status.Location += " (schema " + d.schema + ")"
	err := d.pool.QueryRow(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&status.Version)
	if err != nil {
		return nil, fmt.Errorf("reading the migration version: %w", err)
	}
	if status.Locks, err = d.locks(ctx); err != nil {
		return nil, err
	}
	rows, _ := d.pool.Query(ctx, `SELECT platform_org_id, count(*) FROM import_rows
		WHERE state IN ('creating', 'created', 'assigned', 'compensating', 'needs_attention') GROUP BY platform_org_id`)
	var org string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&org, &n}, func() error {
		status.Unfinished[org] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("counting unfinished attempts: %w", err)
	}
	return status, nil
}

// locks lists the holder rows whose lock is held. A row whose holder died stays until the next
// run takes the lock over, but its lock went with its holder's connection: it is not listed.
func (d *DB) locks(ctx context.Context) ([]importer.LockHolder, error) {
	rows, _ := d.pool.Query(ctx, `SELECT platform_org_id, pid, host, command, started_at, refreshed_at
		FROM organization_locks ORDER BY platform_org_id`)
	holders, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (importer.LockHolder, error) {
		var h importer.LockHolder
		err := row.Scan(&h.OrganizationID, &h.PID, &h.Host, &h.Command, &h.Started, &h.Refreshed)
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the locks: %w", err)
	}
	var held []importer.LockHolder
	for _, h := range holders {
		session, err := d.LockSession(ctx, h.OrganizationID)
		if err != nil {
			return nil, err
		}
		if session != 0 {
			held = append(held, h)
		}
	}
	return held, nil
}

// LockSession is the server process of the database session that holds the organization's lock,
// 0 when none does. Ending that session (pg_terminate_backend) frees the lock of a run whose host
// can no longer be reached, at once.
func (d *DB) LockSession(ctx context.Context, organizationID string) (int, error) {
	// pg_locks shows a bigint key as its high and low halves, each an unsigned 32-bit oid.
	var pid int
	err := d.pool.QueryRow(ctx, `
		SELECT pid FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 1
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND classid = (($1::bigint >> 32) & 4294967295)::oid AND objid = ($1::bigint & 4294967295)::oid`,
		d.lockKey(organizationID)).Scan(&pid)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("finding the session that holds the lock of organization %s: %w", organizationID, err)
	}
	return pid, nil
}

// lockKey is the advisory lock of the organization in this database's schema.
func (d *DB) lockKey(organizationID string) int64 {
	return advisoryKey("organization", d.schema, organizationID)
}
