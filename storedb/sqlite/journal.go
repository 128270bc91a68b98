package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
)

var _ importer.Database = (*DB)(nil)

// StartRun records a run of the organization.
func (d *DB) StartRun(ctx context.Context, organizationID, file string, now time.Time) (int64, error) {
	host, _ := os.Hostname()
	var id int64
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `
			INSERT INTO import_runs (platform_org_id, file, pid, host, started_at) VALUES (?, ?, ?, ?, ?)
			RETURNING id`, organizationID, file, os.Getpid(), host, stamp(now)).Scan(&id)
	})
	return id, err
}

// FinishRun marks the run as having gone through its rows.
func (d *DB) FinishRun(ctx context.Context, runID int64, now time.Time) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE import_runs SET finished_at = ? WHERE id = ?`, stamp(now), runID)
		return err
	})
}

// Begin records a new attempt, committed before its createShop is sent.
func (d *DB) Begin(ctx context.Context, e *importer.Entry, now time.Time) error {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		held, fenceArgs := d.fence.held()
		err := tx.QueryRowContext(ctx, `
			INSERT INTO import_rows (run_id, platform_org_id, public_id, line, name, location, industry, phone,
				idempotency_key, token_fingerprint, state, shop_id, error, created_at, updated_at)
			SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ? WHERE `+held+`
			RETURNING id`,
			append([]any{e.RunID, e.OrganizationID, e.Store.PublicID, e.Line, e.Store.Name, e.Store.Location, e.Store.Industry,
				e.Store.Phone, e.Key, e.TokenFingerprint, e.State, e.Error, stamp(now), stamp(now)}, fenceArgs...)...).Scan(&e.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return d.fence.why(ctx, tx, 0, "")
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("journaling row %s: %w", e.Store.PublicID, err)
	}
	e.BeganAt = now
	return nil
}

// Record commits the attempt's state, shop id and error, if the entry is still in state from.
func (d *DB) Record(ctx context.Context, e *importer.Entry, from string, now time.Time) error {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		return d.record(ctx, tx, e, from, now)
	})
	if err != nil {
		return fmt.Errorf("journaling row %s as %s: %w", e.Store.PublicID, e.State, err)
	}
	return nil
}

func (d *DB) record(ctx context.Context, tx *sql.Tx, e *importer.Entry, from string, now time.Time) error {
	held, fenceArgs := d.fence.held()
	res, err := tx.ExecContext(ctx, `
		UPDATE import_rows SET state = ?, shop_id = ?, error = ?, updated_at = ? WHERE id = ? AND state = ? AND `+held,
		append([]any{e.State, nullIfEmpty(e.ShopID), e.Error, stamp(now), e.ID, from}, fenceArgs...)...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return cmp.Or(err, d.fence.why(ctx, tx, e.ID, from))
	}
	return nil
}

// Complete inserts the store and its cache and marks the attempt done, in one transaction, so
// that a crash leaves either all three or none.
func (d *DB) Complete(ctx context.Context, e *importer.Entry, shop *orgclient.Shop, now time.Time) error {
	services, err := json.Marshal(shop.Services)
	if err != nil {
		return err
	}
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		// The journal first: a run that was superseded must not even try to insert the store.
		done := *e
		done.State, done.Error = "done", ""
		if err := d.record(ctx, tx, &done, e.State, now); err != nil {
			return err
		}
		ts := stamp(now)
		var storeID int64
		err := tx.QueryRowContext(ctx, `
			INSERT INTO stores (organization_id, public_id, platform_shop_id, name, location, industry, phone, created_at, updated_at)
			SELECT id, ?, ?, ?, ?, ?, ?, ?, ? FROM organizations WHERE platform_org_id = ?
			RETURNING id`,
			e.Store.PublicID, shop.ID, e.Store.Name, e.Store.Location, e.Store.Industry, nullIfEmpty(e.Store.Phone), ts, ts,
			e.OrganizationID).Scan(&storeID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("organization %s is not in the local database", e.OrganizationID)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO store_caches (store_id, platform_shop_id, name, location, services, shop_created_at, fetched_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			storeID, shop.ID, shop.Name, shop.Location, string(services), shop.CreatedAt, ts)
		return err
	})
	if err != nil {
		return fmt.Errorf("saving store %s locally: %w", e.Store.PublicID, err)
	}
	return nil
}

// Unsettled lists the organization's attempts that are not done, failed or compensated.
func (d *DB) Unsettled(ctx context.Context, organizationID string) ([]importer.Entry, error) {
	return d.entries(ctx, `platform_org_id = ? AND state IN ('creating', 'created', 'assigned', 'compensating', 'needs_attention')`, organizationID)
}

// Attempts lists every attempt of the organization, whatever became of it.
func (d *DB) Attempts(ctx context.Context, organizationID string) ([]importer.Entry, error) {
	return d.entries(ctx, `platform_org_id = ?`, organizationID)
}

func (d *DB) entries(ctx context.Context, where string, args ...any) ([]importer.Entry, error) {
	if d.sql == nil {
		return nil, nil
	}
	rows, err := d.sql.QueryContext(ctx, `
		SELECT id, run_id, platform_org_id, line, public_id, name, location, industry, phone,
			idempotency_key, token_fingerprint, state, COALESCE(shop_id, ''), error, created_at
		FROM import_rows WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the import journal: %w", err)
	}
	defer rows.Close()
	var entries []importer.Entry
	for rows.Next() {
		var e importer.Entry
		var began string
		err := rows.Scan(&e.ID, &e.RunID, &e.OrganizationID, &e.Line, &e.Store.PublicID, &e.Store.Name, &e.Store.Location,
			&e.Store.Industry, &e.Store.Phone, &e.Key, &e.TokenFingerprint, &e.State, &e.ShopID, &e.Error, &began)
		if err != nil {
			return nil, fmt.Errorf("reading the import journal: %w", err)
		}
		e.BeganAt, _ = time.Parse(time.RFC3339Nano, began)
		entries = append(entries, e)
	}
	return entries, rows.Err()
}
