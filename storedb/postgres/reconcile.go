package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
)

var _ importer.ReconcileStores = (*DB)(nil)

// LinkedStores lists the organization's stores with their caches.
func (d *DB) LinkedStores(ctx context.Context, organizationID string) ([]importer.LinkedStore, error) {
	if d.pool == nil {
		return nil, nil
	}
	rows, err := d.pool.Query(ctx, `
		SELECT s.public_id, s.platform_shop_id, COALESCE(c.name, ''), COALESCE(c.location, ''), COALESCE(c.services, '[]')
		FROM stores s
		JOIN organizations o ON o.id = s.organization_id
		LEFT JOIN store_caches c ON c.store_id = s.id
		WHERE o.platform_org_id = $1
		ORDER BY s.id`, organizationID)
	if err != nil {
		return nil, fmt.Errorf("reading the stores: %w", err)
	}
	// nil, not empty, when there are none, as from SQLite.
	stores, err := pgx.AppendRows([]importer.LinkedStore(nil), rows, func(row pgx.CollectableRow) (importer.LinkedStore, error) {
		var s importer.LinkedStore
		var services []byte
		if err := row.Scan(&s.PublicID, &s.ShopID, &s.CacheName, &s.CacheLocation, &services); err != nil {
			return s, err
		}
		if err := json.Unmarshal(services, &s.CacheServices); err != nil {
			return s, fmt.Errorf("store %s has an unreadable services cache: %w", s.PublicID, err)
		}
		return s, nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the stores: %w", err)
	}
	return stores, nil
}

// RefreshCache replaces the store's cache with what the platform says of its shop.
func (d *DB) RefreshCache(ctx context.Context, publicID string, shop *orgclient.Shop, now time.Time) error {
	services, err := json.Marshal(servicesOf(shop))
	if err != nil {
		return err
	}
	pool, err := d.writer()
	if err == nil {
		_, err = pool.Exec(ctx, `
			INSERT INTO store_caches (store_id, platform_shop_id, name, location, services, shop_created_at, fetched_at)
			SELECT id, $1::text, $2::text, $3::text, $4::jsonb, $5::text, $6::timestamptz FROM stores WHERE public_id = $7
			ON CONFLICT (store_id) DO UPDATE SET platform_shop_id = excluded.platform_shop_id, name = excluded.name,
				location = excluded.location, services = excluded.services, shop_created_at = excluded.shop_created_at,
				fetched_at = excluded.fetched_at`,
			shop.ID, shop.Name, shop.Location, string(services), shop.CreatedAt, now, publicID)
	}
	if err != nil {
		return fmt.Errorf("refreshing the cache of store %s: %w", publicID, err)
	}
	return nil
}

// servicesOf is the shop's services as stored: [] rather than null for none, as the column's
// readers expect.
func servicesOf(shop *orgclient.Shop) []string {
	if shop.Services == nil {
		return []string{}
	}
	return shop.Services
}
