package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/acme/storeimport/importer"
)

// Status says which file this is, how far it is migrated, who holds which organization's lock,
// and how many attempts each organization has left unfinished. It only reads.
func (d *DB) Status(ctx context.Context) (*importer.DatabaseStatus, error) {
	status := &importer.DatabaseStatus{Kind: "sqlite", Location: d.path, Unfinished: map[string]int{}}
	if d.sql == nil {
		return status, nil
	}
	if err := d.sql.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&status.Version); err != nil {
		return nil, fmt.Errorf("reading the migration version: %w", err)
	}
	locks, err := d.locks(ctx)
	if err != nil {
		return nil, err
	}
	status.Locks = locks
	rows, err := d.sql.QueryContext(ctx, `SELECT platform_org_id, count(*) FROM import_rows
		WHERE state IN ('creating', 'created', 'assigned', 'compensating', 'needs_attention') GROUP BY platform_org_id ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("counting unfinished attempts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var org string
		var n int
		if err := rows.Scan(&org, &n); err != nil {
			return nil, err
		}
		status.Unfinished[org] = n
	}
	return status, rows.Err()
}

func (d *DB) locks(ctx context.Context) ([]importer.LockHolder, error) {
	rows, err := d.sql.QueryContext(ctx, `SELECT platform_org_id, pid, host, command, started_at, refreshed_at
		FROM organization_locks ORDER BY platform_org_id`)
	if err != nil {
		return nil, fmt.Errorf("reading the locks: %w", err)
	}
	defer rows.Close()
	var locks []importer.LockHolder
	for rows.Next() {
		var h importer.LockHolder
		var started, refreshed string
		if err := rows.Scan(&h.OrganizationID, &h.PID, &h.Host, &h.Command, &started, &refreshed); err != nil {
			return nil, err
		}
		h.Started, _ = time.Parse(time.RFC3339Nano, started)
		h.Refreshed, _ = time.Parse(time.RFC3339Nano, refreshed)
		locks = append(locks, h)
	}
	return locks, rows.Err()
}
