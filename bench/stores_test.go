package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/internal/pgtest"
	"github.com/acme/storeimport/storedb/sqlite"
)

// store is a kind of database the benchmarks import into: target makes a fresh, empty one and
// says where, as --db takes it, so that it is opened as the command line opens it; describe says
// what it runs on, for the table.
type store struct {
	name     string
	target   func(b *testing.B) string
	describe func(b *testing.B, target string) string
}

var (
	sqliteStore = store{"sqlite", func(b *testing.B) string { return filepath.Join(b.TempDir(), "storeimport.db") }, describeSQLite}
	// A database of its own on the server that make bench's scripts/test-postgres.sh names (see
	// internal/pgtest).
	postgresStore = store{"postgres", func(b *testing.B) string { return pgtest.URL(b) }, describePostgres}
)

// describeSQLite says how the file's commits reach the disk, as storedb/sqlite opens it: in WAL
// mode with synchronous normal a commit does not wait for the disk, as PostgreSQL's does with
// synchronous_commit on.
func describeSQLite(b *testing.B, target string) string {
	b.Helper()
	db, err := sqlite.Open(context.Background(), target)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var journalMode string
	var synchronous int
	if err := db.SQL().QueryRow(`SELECT journal_mode, synchronous FROM pragma_journal_mode, pragma_synchronous`).Scan(&journalMode, &synchronous); err != nil {
		b.Fatal(err)
	}
	return fmt.Sprintf("sqlite: a file in a temporary directory, journal_mode %s, synchronous %s", journalMode,
		[]string{"off", "normal", "full", "extra"}[synchronous])
}

// describePostgres says which server the target is on, and whether a commit there waits for the
// disk, which is much of what a row costs.
func describePostgres(b *testing.B, target string) string {
	b.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, target)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	var version, fsync, synchronousCommit string
	err = conn.QueryRow(ctx, `SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit')`).
		Scan(&version, &fsync, &synchronousCommit)
	if err != nil {
		b.Fatal(err)
	}
	return fmt.Sprintf("postgres: PostgreSQL %s on %s, fsync %s, synchronous_commit %s",
		version, conn.Config().Host, fsync, synchronousCommit)
}
