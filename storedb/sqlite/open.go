// Package sqlite is the reservation service's database in an SQLite file, the embedded default:
// organizations, stores and the caches of what the platform said about them, the import journal,
// and the per-organization lock that keeps two runs apart.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"

	_ "github.com/mattn/go-sqlite3" // the database/sql driver "sqlite3"
	"github.com/pressly/goose/v3"

	"github.com/acme/storeimport/schema"
)

// DB is the local database. A DB opened read-only never writes the file; one opened on a path
// with no file yet behaves as an empty database and creates nothing.
type DB struct {
	sql   *sql.DB // nil when a read-only open found no file
	path  string
	fence *fence // the lock journal writes require; nil for none (see Lock.Fenced)
}

// Open opens the database at path for writing, creating it and applying pending migrations.
// WAL lets a dry run read while an import writes; the busy timeout makes a second writer wait
// for the lock instead of failing at once; foreign keys keep stores tied to their organization.
func Open(ctx context.Context, path string) (*DB, error) {
	db, err := sql.Open("sqlite3", dsn(path, "rwc", "&_journal_mode=WAL&_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("opening the database %s: %w", path, err)
	}
	// SQLite has one writer at a time anyway; one connection makes the import's workers queue in
	// Go instead of spinning in SQLite's busy handler.
	db.SetMaxOpenConns(1)
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("preparing the database %s: %w", path, err)
	}
	return &DB{sql: db, path: path}, nil
}

// OpenReadOnly opens the database for a dry run: it never creates, migrates or writes the file.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return &DB{path: path}, nil
	}
	db, err := sql.Open("sqlite3", dsn(path, "ro", ""))
	if err != nil {
		return nil, fmt.Errorf("opening the database %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening the database %s read-only: %w", path, err)
	}
	return &DB{sql: db, path: path}, nil
}

// SidecarPaths are the files SQLite keeps beside the database at path while it works on it: the
// write-ahead log and its index, or a rollback journal. Replacing one damages the database.
func SidecarPaths(path string) []string {
	return []string{path + "-wal", path + "-shm", path + "-journal"}
}

func dsn(path, mode, extra string) string {
	// Escaped so that a '?' or '#' in a file name cannot be read as URI parameters.
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=" + mode + "&_busy_timeout=10000&_foreign_keys=on" + extra
}

func migrate(ctx context.Context, db *sql.DB) error {
	migrations, err := fs.Sub(schema.Migrations, "migrations/sqlite")
	if err != nil {
		return err
	}
	provider, err := goose.NewProvider(goose.DialectSQLite3, db, migrations)
	if err != nil {
		return err
	}
	_, err = provider.Up(ctx)
	return err
}

// Close releases the database.
func (d *DB) Close() error {
	if d.sql == nil {
		return nil
	}
	return d.sql.Close()
}

// SQL exposes the handle to tests and to the checks that read the tables by name.
func (d *DB) SQL() *sql.DB { return d.sql }
