// Package storedb opens the reservation service's database that --db names. Each kind of database
// is a package of its own behind importer.Database: storedb/sqlite, the embedded default, and
// storedb/postgres; storedb/storetest is the suite both pass.
package storedb

import (
	"context"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/storedb/sqlite"
)

// Open opens the database for writing, creating and migrating it as needed.
func Open(ctx context.Context, target string) (importer.Database, error) {
	return sqlite.Open(ctx, target)
}

// OpenReadOnly opens the database for a dry run: it never creates, migrates or writes it.
func OpenReadOnly(ctx context.Context, target string) (importer.Database, error) {
	return sqlite.OpenReadOnly(ctx, target)
}

// SidecarPaths are the files an SQLite database keeps beside it, which nothing else may overwrite.
func SidecarPaths(target string) []string {
	return sqlite.SidecarPaths(target)
}
