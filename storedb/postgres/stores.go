package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
)

var _ importer.Stores = (*DB)(nil)

// LookupStore returns the store with that public_id, or nil when there is none.
func (d *DB) LookupStore(ctx context.Context, publicID string) (*importer.LocalStore, error) {
	if d.pool == nil {
		return nil, nil
	}
	store := importer.LocalStore{PublicID: publicID, Imported: importer.Store{PublicID: publicID}}
	imported := &store.Imported
	err := d.pool.QueryRow(ctx, `
		SELECT o.platform_org_id, s.platform_shop_id, s.name, s.location, s.industry, COALESCE(s.phone, '')
		FROM stores s JOIN organizations o ON o.id = s.organization_id
		WHERE s.public_id = $1`, publicID).Scan(&store.OrganizationID, &store.PlatformShopID,
		&imported.Name, &imported.Location, &imported.Industry, &imported.Phone)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("looking up store %s in the database: %w", publicID, err)
	}
	return &store, nil
}

// StoreOfShop returns the public_id of the store linked to the shop, or "" when none is.
func (d *DB) StoreOfShop(ctx context.Context, shopID string) (string, error) {
	if d.pool == nil {
		return "", nil
	}
	var publicID string
	err := d.pool.QueryRow(ctx, `SELECT public_id FROM stores WHERE platform_shop_id = $1`, shopID).Scan(&publicID)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("looking up the store of shop %s in the database: %w", shopID, err)
	}
	return publicID, nil
}

// SaveOrganization records the organization and refreshes its cache.
func (d *DB) SaveOrganization(ctx context.Context, org *orgclient.Organization, now time.Time) error {
	err := d.inTx(ctx, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO organizations (platform_org_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3)
			ON CONFLICT (platform_org_id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at
			RETURNING id`, org.ID, org.Name, now).Scan(&id)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO organization_caches (organization_id, name, shop_limit, fetched_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (organization_id) DO UPDATE
			SET name = excluded.name, shop_limit = excluded.shop_limit, fetched_at = excluded.fetched_at`,
			id, org.Name, org.ShopLimit, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("saving organization %s in the database: %w", org.ID, err)
	}
	return nil
}

// writer is the pool to write with; a database opened read-only has none.
func (d *DB) writer() (*pgxpool.Pool, error) {
	if d.readOnly {
		return nil, errors.New("the database was opened read-only")
	}
	return d.pool, nil
}

// inTx runs fn in a transaction, committed when fn succeeds.
func (d *DB) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	pool, err := d.writer()
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, pool, fn)
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
