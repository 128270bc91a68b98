package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
)

var _ importer.ReconcileStores = (*DB)(nil)

// LinkedStores lists the organization's local stores with their caches.
func (d *DB) LinkedStores(ctx context.Context, organizationID string) ([]importer.LinkedStore, error) {
	if d.sql == nil {
		return nil, nil
	}
	rows, err := d.sql.QueryContext(ctx, `
		SELECT s.public_id, s.platform_shop_id, COALESCE(c.name, ''), COALESCE(c.location, ''), COALESCE(c.services, '[]')
		FROM stores s
		JOIN organizations o ON o.id = s.organization_id
		LEFT JOIN store_caches c ON c.store_id = s.id
		WHERE o.platform_org_id = ?
		ORDER BY s.id`, organizationID)
	if err != nil {
		return nil, fmt.Errorf("reading the local stores: %w", err)
	}
	defer rows.Close()
	var stores []importer.LinkedStore
	for rows.Next() {
		var s importer.LinkedStore
		var services string
		if err := rows.Scan(&s.PublicID, &s.ShopID, &s.CacheName, &s.CacheLocation, &services); err != nil {
			return nil, fmt.Errorf("reading the local stores: %w", err)
		}
		if err := json.Unmarshal([]byte(services), &s.CacheServices); err != nil {
			return nil, fmt.Errorf("store %s has an unreadable services cache: %w", s.PublicID, err)
		}
		stores = append(stores, s)
	}
	return stores, rows.Err()
}

// RefreshCache replaces the store's cache with what the platform says of its shop.
func (d *DB) RefreshCache(ctx context.Context, publicID string, shop *orgclient.Shop, now time.Time) error {
	services, err := json.Marshal(shop.Services)
	if err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO store_caches (store_id, platform_shop_id, name, location, services, shop_created_at, fetched_at)
			SELECT id, ?, ?, ?, ?, ?, ? FROM stores WHERE public_id = ?
			ON CONFLICT (store_id) DO UPDATE SET platform_shop_id = excluded.platform_shop_id, name = excluded.name,
				location = excluded.location, services = excluded.services, shop_created_at = excluded.shop_created_at,
				fetched_at = excluded.fetched_at`,
			shop.ID, shop.Name, shop.Location, string(services), shop.CreatedAt, stamp(now), publicID)
		return err
	})
}
