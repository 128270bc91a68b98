// Package storedb opens the reservation service's database that --db names. Each kind of database
// is a package of its own behind importer.Database: storedb/sqlite, the embedded default, and
// storedb/postgres; storedb/storetest is the suite both pass.
package storedb

import (
	"context"
	"errors"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/storedb/postgres"
	"github.com/acme/storeimport/storedb/sqlite"
)

// Open opens the database for writing, creating and migrating it as needed. target is an SQLite
// file's path, or a PostgreSQL URL (postgres://, postgresql://) or keyword/value string
// ("host=/var/run/postgresql dbname=x"); schema names the PostgreSQL schema of the tables, "" for
// the search_path's.
func Open(ctx context.Context, target, schema string) (importer.Database, error) {
	if postgres.IsTarget(target) {
		return postgres.Open(ctx, target, schema)
	}
	if err := noSchema(schema); err != nil {
		return nil, err
	}
	return sqlite.Open(ctx, target)
}

// OpenReadOnly opens the database for a dry run: it never creates, migrates or writes it.
func OpenReadOnly(ctx context.Context, target, schema string) (importer.Database, error) {
	if postgres.IsTarget(target) {
		return postgres.OpenReadOnly(ctx, target, schema)
	}
	if err := noSchema(schema); err != nil {
		return nil, err
	}
	return sqlite.OpenReadOnly(ctx, target)
}

func noSchema(schema string) error {
	if schema != "" {
		return errors.New("a schema is for a PostgreSQL database; an SQLite file has none")
	}
	return nil
}

// IsFile reports whether target is a file on this machine (SQLite) rather than a database on a
// server.
func IsFile(target string) bool { return !postgres.IsTarget(target) }

// SidecarPaths are the files an SQLite database keeps beside it, which nothing else may overwrite;
// none for a database on a server.
func SidecarPaths(target string) []string {
	if !IsFile(target) {
		return nil
	}
	return sqlite.SidecarPaths(target)
}

// Redact returns target fit to print: a PostgreSQL target with its password masked.
func Redact(target string) string {
	if IsFile(target) {
		return target
	}
	return postgres.Redact(target)
}
