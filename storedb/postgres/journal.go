package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
)

var _ importer.Database = (*DB)(nil)

// StartRun records a run of the organization.
func (d *DB) StartRun(ctx context.Context, organizationID, file string, now time.Time) (int64, error) {
	host, _ := os.Hostname()
	var id int64
	err := d.inTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `
			INSERT INTO import_runs (platform_org_id, file, pid, host, started_at) VALUES ($1, $2, $3, $4, $5)
			RETURNING id`, organizationID, file, os.Getpid(), host, now).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("journaling the run of organization %s: %w", organizationID, err)
	}
	return id, nil
}

// FinishRun marks the run as having gone through its rows.
func (d *DB) FinishRun(ctx context.Context, runID int64, now time.Time) error {
	err := d.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE import_runs SET finished_at = $1 WHERE id = $2`, now, runID)
		return err
	})
	if err != nil {
		return fmt.Errorf("journaling the end of run %d: %w", runID, err)
	}
	return nil
}

// Begin records a new attempt, committed before its createShop is sent.
func (d *DB) Begin(ctx context.Context, e *importer.Entry, now time.Time) error {
	err := d.inTx(ctx, func(tx pgx.Tx) error {
		held, args := d.fence.held(pgx.NamedArgs{"run": e.RunID, "org": e.OrganizationID, "public_id": e.Store.PublicID,
			"line": e.Line, "name": e.Store.Name, "location": e.Store.Location, "industry": e.Store.Industry,
			"phone": e.Store.Phone, "key": e.Key, "fingerprint": e.TokenFingerprint, "state": e.State, "error": e.Error, "now": now})
		// INSERT … SELECT gives its parameters no column types: the casts do.
		err := tx.QueryRow(ctx, `
			INSERT INTO import_rows (run_id, platform_org_id, public_id, line, name, location, industry, phone,
				idempotency_key, token_fingerprint, state, shop_id, error, created_at, updated_at)
			SELECT @run::bigint, @org::text, @public_id::text, @line::integer, @name::text, @location::text, @industry::text,
				@phone::text, @key::text, @fingerprint::text, @state::text, NULL, @error::text, @now::timestamptz, @now::timestamptz
			WHERE `+held+`
			RETURNING id`, args).Scan(&e.ID)
		if errors.Is(err, pgx.ErrNoRows) {
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
	err := d.inTx(ctx, func(tx pgx.Tx) error {
		return d.record(ctx, tx, e, from, now)
	})
	if err != nil {
		return fmt.Errorf("journaling row %s as %s: %w", e.Store.PublicID, e.State, err)
	}
	return nil
}

func (d *DB) record(ctx context.Context, tx pgx.Tx, e *importer.Entry, from string, now time.Time) error {
	held, args := d.fence.held(pgx.NamedArgs{"state": e.State, "shop_id": nullIfEmpty(e.ShopID), "error": e.Error,
		"now": now, "id": e.ID, "from": from})
	tag, err := tx.Exec(ctx, `
		UPDATE import_rows SET state = @state, shop_id = @shop_id, error = @error, updated_at = @now
		WHERE id = @id AND state = @from AND `+held, args)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return d.fence.why(ctx, tx, e.ID, from)
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
	err = d.inTx(ctx, func(tx pgx.Tx) error {
		// The journal first: a run that was superseded must not even try to insert the store.
		done := *e
		done.State, done.Error = "done", ""
		if err := d.record(ctx, tx, &done, e.State, now); err != nil {
			return err
		}
		var storeID int64
		err := tx.QueryRow(ctx, `
			INSERT INTO stores (organization_id, public_id, platform_shop_id, name, location, industry, phone, created_at, updated_at)
			SELECT id, $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::timestamptz, $7::timestamptz
			FROM organizations WHERE platform_org_id = $8
			RETURNING id`,
			e.Store.PublicID, shop.ID, e.Store.Name, e.Store.Location, e.Store.Industry, nullIfEmpty(e.Store.Phone), now,
			e.OrganizationID).Scan(&storeID)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("organization %s is not in the database", e.OrganizationID)
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO store_caches (store_id, platform_shop_id, name, location, services, shop_created_at, fetched_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			storeID, shop.ID, shop.Name, shop.Location, string(services), shop.CreatedAt, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("saving store %s in the database: %w", e.Store.PublicID, err)
	}
	return nil
}

// Unsettled lists the organization's attempts that are not done, failed or compensated.
func (d *DB) Unsettled(ctx context.Context, organizationID string) ([]importer.Entry, error) {
	return d.entries(ctx, `platform_org_id = $1 AND state IN ('creating', 'created', 'assigned', 'compensating', 'needs_attention')`, organizationID)
}

// Attempts lists every attempt of the organization, whatever became of it.
func (d *DB) Attempts(ctx context.Context, organizationID string) ([]importer.Entry, error) {
	return d.entries(ctx, `platform_org_id = $1`, organizationID)
}

func (d *DB) entries(ctx context.Context, where string, args ...any) ([]importer.Entry, error) {
	if d.pool == nil {
		return nil, nil
	}
	rows, err := d.pool.Query(ctx, `
		SELECT id, run_id, platform_org_id, line, public_id, name, location, industry, phone,
			idempotency_key, token_fingerprint, state, COALESCE(shop_id, ''), error, created_at
		FROM import_rows WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the import journal: %w", err)
	}
	// nil, not empty, when there are none, as from SQLite.
	entries, err := pgx.AppendRows([]importer.Entry(nil), rows, func(row pgx.CollectableRow) (importer.Entry, error) {
		var e importer.Entry
		err := row.Scan(&e.ID, &e.RunID, &e.OrganizationID, &e.Line, &e.Store.PublicID, &e.Store.Name, &e.Store.Location,
			&e.Store.Industry, &e.Store.Phone, &e.Key, &e.TokenFingerprint, &e.State, &e.ShopID, &e.Error, &e.BeganAt)
		e.BeganAt = e.BeganAt.UTC() // as the SQLite journal gives it back
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the import journal: %w", err)
	}
	return entries, nil
}
