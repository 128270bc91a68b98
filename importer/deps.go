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

// Stores is the local database as an import writes it.
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

// Lease is the organization's lock as a run watches it. Once Lost
// is closed the run sends nothing more: another run may be settling its rows.
type Lease interface {
	Lost() <-chan struct{}
	Err() error // why it was lost
	// Check makes sure, now, that the run still holds the lock, or fails with ErrSuperseded.
	Check(ctx context.Context) error
}

// Database is the reservation service's database as the commands open it: the stores, the
// journal and the organizations' locks. storedb opens one, SQLite (storedb/sqlite) or PostgreSQL
// (storedb/postgres), and storedb/storetest is the suite every implementation passes.
type Database interface {
	Stores
	Journal
	ReconcileStores
	// Lock takes the organization's lock for a run that may send mutations, or fails at once
	// naming the run that holds it.
	Lock(ctx context.Context, organizationID, command string) (Lock, error)
	// FingerprintKey is the database's own key for naming platform tokens in the journal.
	FingerprintKey(ctx context.Context) ([]byte, error)
	// Status is what the database says of itself, for an operator (storeimport db status).
	Status(ctx context.Context) (*DatabaseStatus, error)
	Close() error
}

// DatabaseStatus is what `storeimport db status` shows of a database.
type DatabaseStatus struct {
	Kind     string       `json:"kind"`      // sqlite or postgres
	Location string       `json:"location"`  // the file, or the server and database with no password
	Version  int64        `json:"migration"` // the last migration applied; 0 for a database not made yet
	Locks    []LockHolder `json:"locks"`
	// Unfinished counts, by organization, the journal's attempts that the next import settles.
	Unfinished map[string]int `json:"unfinished"`
}

// LockHolder is a run holding an organization's lock.
type LockHolder struct {
	OrganizationID string    `json:"organization_id"`
	PID            int       `json:"pid"`
	Host           string    `json:"host"`
	Command        string    `json:"command"`
	Started        time.Time `json:"started_at"`
	Refreshed      time.Time `json:"refreshed_at"`
}

// Lock is an organization's lock, held until Release.
type Lock interface {
	Lease
	// Fenced is the database as the holder writes it: every journal write also checks that the
	// lock is still held, and fails with ErrSuperseded once it is not. It shares the database's
	// connections; only the database is closed.
	Fenced() Database
	Release() error
}

// Clock gives the time stamps written locally; tests pass a fixed one.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }
