package importer

import (
	"context"
	"time"

	"github.com/acme/storeimport/orgclient"
)

// Platform is the organization platform as the importer uses it; *orgclient.Client is the real one.
type Platform interface {
	Organization(ctx context.Context, id string) (*orgclient.Organization, error)
	Shop(ctx context.Context, id string) (*orgclient.Shop, error)
	Shops(ctx context.Context, organizationID string) ([]orgclient.Shop, error)
	CreateShop(ctx context.Context, key, organizationID, name, location string) (*orgclient.Shop, error)
	AssignReservation(ctx context.Context, key, organizationID, shopID string) (*orgclient.Shop, error)
	DeleteShop(ctx context.Context, key, shopID string) error
}

// StoreLookup answers whether a store is already in the local database; a dry run needs only this.
type StoreLookup interface {
	// LookupStore returns the store with that public_id, or nil when there is none.
	LookupStore(ctx context.Context, publicID string) (*LocalStore, error)
}

// Stores is the local database as an import writes it; *storedb.DB is the real one.
type Stores interface {
	StoreLookup
	ShopLinks
	// SaveOrganization records the organization and caches what the platform said about it.
	SaveOrganization(ctx context.Context, org *orgclient.Organization, now time.Time) error
}

// ShopLinks answers which store, if any, links a platform shop: a shop a store links is never
// deleted, whatever the journal of the attempt that made it says.
type ShopLinks interface {
	// StoreOfShop returns the public_id of the store linked to the shop, or "" when none is.
	StoreOfShop(ctx context.Context, shopID string) (string, error)
}

// LocalStore is what the local database knows of an imported store.
type LocalStore struct {
	PublicID       string
	OrganizationID string // the platform's organization id
	PlatformShopID string
	Imported       Store // the values it was imported with
}

// Lease is the organization's lock as a run watches it; *storedb.Lock is the real one. Once Lost
// is closed the run sends nothing more: another run may be settling its rows.
type Lease interface {
	Lost() <-chan struct{}
	Err() error // why it was lost
	// Check makes sure, now, that the run still holds the lock, or fails with ErrSuperseded.
	Check(ctx context.Context) error
}

// Clock gives the time stamps written locally; tests pass a fixed one.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }
