package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
)

var _ importer.Stores = (*DB)(nil)

// LookupStore returns the store with that public_id, or nil when there is none.
func (d *DB) LookupStore(ctx context.Context, publicID string) (*importer.LocalStore, error) {
	if d.sql == nil {
		return nil, nil
	}
	store := importer.LocalStore{PublicID: publicID, Imported: importer.Store{PublicID: publicID}}
	imported := &store.Imported
	err := d.sql.QueryRowContext(ctx, `
		SELECT o.platform_org_id, s.platform_shop_id, s.name, s.location, s.industry, COALESCE(s.phone, '')
		FROM stores s JOIN organizations o ON o.id = s.organization_id
		WHERE s.public_id = ?`, publicID).Scan(&store.OrganizationID, &store.PlatformShopID,
		&imported.Name, &imported.Location, &imported.Industry, &imported.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("looking up store %s in the local database: %w", publicID, err)
	}
	return &store, nil
}

// StoreOfShop returns the public_id of the store linked to the shop, or "" when none is.
func (d *DB) StoreOfShop(ctx context.Context, shopID string) (string, error) {
	if d.sql == nil {
		return "", nil
	}
	var publicID string
	err := d.sql.QueryRowContext(ctx, `SELECT public_id FROM stores WHERE platform_shop_id = ?`, shopID).Scan(&publicID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("looking up the store of shop %s in the local database: %w", shopID, err)
	}
	return publicID, nil
}

// SaveOrganization records the organization and refreshes its cache.
func (d *DB) SaveOrganization(ctx context.Context, org *orgclient.Organization, now time.Time) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		ts := stamp(now)
		var id int64
		err := tx.QueryRowContext(ctx, `
			INSERT INTO organizations (platform_org_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (platform_org_id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at
			RETURNING id`, org.ID, org.Name, ts, ts).Scan(&id)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO organization_caches (organization_id, name, shop_limit, fetched_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (organization_id) DO UPDATE
			SET name = excluded.name, shop_limit = excluded.shop_limit, fetched_at = excluded.fetched_at`,
			id, org.Name, org.ShopLimit, ts)
		return err
	})
}

func (d *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	if d.sql == nil {
		return errors.New("the database was opened read-only")
	}
	tx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
