package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
)

var _ importer.Database = (*DB)(nil)

// Each journal write is one statement, committed on its own: the condition, the fence and the
// write cannot be split, and a write costs one round trip to the server.

// StartRun records a run of the organization.
func (d *DB) StartRun(ctx context.Context, organizationID, file string, now time.Time) (int64, error) {
	host, _ := os.Hostname()
	var id int64
	pool, err := d.writer()
	if err == nil {
		err = pool.QueryRow(ctx, `
			INSERT INTO import_runs (platform_org_id, file, pid, host, started_at) VALUES ($1, $2, $3, $4, $5)
			RETURNING id`, organizationID, file, os.Getpid(), host, now).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("journaling the run of organization %s: %w", organizationID, err)
	}
	return id, nil
}

// FinishRun marks the run as having gone through its rows.
func (d *DB) FinishRun(ctx context.Context, runID int64, now time.Time) error {
	pool, err := d.writer()
	if err == nil {
		_, err = pool.Exec(ctx, `UPDATE import_runs SET finished_at = $1 WHERE id = $2`, now, runID)
	}
	if err != nil {
		return fmt.Errorf("journaling the end of run %d: %w", runID, err)
	}
	return nil
}

// Begin records a new attempt, committed before its createShop is sent.
func (d *DB) Begin(ctx context.Context, e *importer.Entry, now time.Time) error {
	if err := d.begin(ctx, e, now); err != nil {
		return fmt.Errorf("journaling row %s: %w", e.Store.PublicID, err)
	}
	e.BeganAt = now
	return nil
}

// begin is the one write committed synchronously (see durableWrites): the intent of a createShop,
// whose replay needs the key this entry holds. The transaction goes to the server as one batch,
// one round trip, as the other writes, which are single statements, take.
func (d *DB) begin(ctx context.Context, e *importer.Entry, now time.Time) error {
	pool, err := d.writer()
	if err != nil {
		return err
	}
	held, args := d.fence.held(pgx.NamedArgs{"run": e.RunID, "org": e.OrganizationID, "public_id": e.Store.PublicID,
		"line": e.Line, "name": e.Store.Name, "location": e.Store.Location, "industry": e.Store.Industry,
		"phone": e.Store.Phone, "key": e.Key, "fingerprint": e.TokenFingerprint, "state": e.State, "error": e.Error, "now": now})
	batch := &pgx.Batch{}
	batch.Queue(`BEGIN`)
	batch.Queue(`SET LOCAL synchronous_commit TO on`)
	// INSERT … SELECT gives its parameters no column types: the casts do.
	insert := batch.Queue(`
		INSERT INTO import_rows (run_id, platform_org_id, public_id, line, name, location, industry, phone,
			idempotency_key, token_fingerprint, state, shop_id, error, created_at, updated_at)
		SELECT @run::bigint, @org::text, @public_id::text, @line::integer, @name::text, @location::text, @industry::text,
			@phone::text, @key::text, @fingerprint::text, @state::text, NULL, @error::text, @now::timestamptz, @now::timestamptz
		WHERE `+held+`
		RETURNING id`, args)
	inserted := 0
	insert.QueryRow(func(row pgx.Row) error {
		err := row.Scan(&e.ID)
		if err == nil {
			inserted++
		}
		return ignoreNoRows(err)
	})
	batch.Queue(`COMMIT`)
	if err := pool.SendBatch(ctx, batch).Close(); err != nil {
		return err
	}
	if inserted == 0 {
		return d.fence.why(ctx, pool, 0, "")
	}
	return nil
}

func ignoreNoRows(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	return err
}

// Record commits the attempt's state, shop id and error, if the entry is still in state from.
func (d *DB) Record(ctx context.Context, e *importer.Entry, from string, now time.Time) error {
	if err := d.record(ctx, e, from, now); err != nil {
		return fmt.Errorf("journaling row %s as %s: %w", e.Store.PublicID, e.State, err)
	}
	return nil
}

func (d *DB) record(ctx context.Context, e *importer.Entry, from string, now time.Time) error {
	pool, err := d.writer()
	if err != nil {
		return err
	}
	held, args := d.fence.held(pgx.NamedArgs{"state": e.State, "shop_id": nullIfEmpty(e.ShopID), "error": e.Error,
		"now": now, "id": e.ID, "from": from})
	tag, err := pool.Exec(ctx, `
		UPDATE import_rows SET state = @state, shop_id = @shop_id, error = @error, updated_at = @now
		WHERE id = @id AND state = @from AND `+held, args)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return d.fence.why(ctx, pool, e.ID, from)
	}
	return nil
}

// Complete inserts the store and its cache and marks the attempt done, in one statement, so that
// a crash, or a failure of any part, leaves either all three or none.
func (d *DB) Complete(ctx context.Context, e *importer.Entry, shop *orgclient.Shop, now time.Time) error {
	if err := d.complete(ctx, e, shop, now); err != nil {
		return fmt.Errorf("saving store %s in the database: %w", e.Store.PublicID, err)
	}
	return nil
}

// complete writes the journal first: the store is inserted only from the journal row the
// conditional update returns, so a run that was superseded does not even try to insert it. A
// missing organization leaves organization_id NULL, which NOT NULL refuses, undoing it all.
func (d *DB) complete(ctx context.Context, e *importer.Entry, shop *orgclient.Shop, now time.Time) error {
	services, err := json.Marshal(servicesOf(shop))
	if err != nil {
		return err
	}
	pool, err := d.writer()
	if err != nil {
		return err
	}
	held, args := d.fence.held(pgx.NamedArgs{"id": e.ID, "from": e.State, "entry_shop_id": nullIfEmpty(e.ShopID), "now": now,
		"org": e.OrganizationID, "public_id": e.Store.PublicID, "shop_id": shop.ID, "name": e.Store.Name,
		"location": e.Store.Location, "industry": e.Store.Industry, "phone": nullIfEmpty(e.Store.Phone),
		"shop_name": shop.Name, "shop_location": shop.Location, "services": string(services), "shop_created_at": shop.CreatedAt})
	var storeID int64
	err = pool.QueryRow(ctx, `
		WITH done AS (
			UPDATE import_rows SET state = 'done', shop_id = @entry_shop_id::text, error = '', updated_at = @now::timestamptz
			WHERE id = @id AND state = @from AND `+held+`
			RETURNING id
		), store AS (
			INSERT INTO stores (organization_id, public_id, platform_shop_id, name, location, industry, phone, created_at, updated_at)
			SELECT (SELECT id FROM organizations WHERE platform_org_id = @org::text), @public_id::text, @shop_id::text,
				@name::text, @location::text, @industry::text, @phone::text, @now::timestamptz, @now::timestamptz
			FROM done
			RETURNING id
		)
		INSERT INTO store_caches (store_id, platform_shop_id, name, location, services, shop_created_at, fetched_at)
		SELECT id, @shop_id::text, @shop_name::text, @shop_location::text, @services::jsonb, @shop_created_at::text, @now::timestamptz
		FROM store
		RETURNING store_id`, args).Scan(&storeID)
	var pgErr *pgconn.PgError
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return d.fence.why(ctx, pool, e.ID, e.State)
	case errors.As(err, &pgErr) && pgErr.Code == "23502" && pgErr.TableName == "stores" && pgErr.ColumnName == "organization_id":
		return fmt.Errorf("organization %s is not in the database", e.OrganizationID)
	}
	return err
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
