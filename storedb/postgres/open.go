// Package postgres is the reservation service's database on a PostgreSQL server, shared by the
// operators of several hosts: organizations, stores and the caches of what the platform said about
// them, the import journal, and the per-organization lock, a session advisory lock that goes with
// its holder's connection. It behaves as storedb/sqlite does; storedb/storetest holds both to it.
package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is the database. A DB opened read-only never writes; one opened on a database without the
// tables behaves as an empty database and creates nothing.
type DB struct {
	pool     *pgxpool.Pool // nil when a read-only open found no tables
	readOnly bool
	location string // the target, redacted
	schema   string // the schema the tables are in: locks of another schema are other locks
	fence    *fence // the lock journal writes require; nil for none (see Lock.Fenced)
}

// connectTimeout bounds a connection attempt the target sets no connect_timeout for, so that a
// server that does not answer is reported rather than waited on for minutes.
const connectTimeout = 10 * time.Second

// Open opens the database target names (a URL or a keyword/value string) for writing and applies
// pending migrations. With schema set the tables live in that schema, created if missing; without,
// in the first schema of a search_path the target sets, or else in public (see tablesSchema).
func Open(ctx context.Context, target, schema string) (*DB, error) {
	return OpenSized(ctx, target, schema, 0)
}

// OpenSized is Open with a pool of at most maxConns connections, unless the target sets
// pool_max_conns itself; 0 leaves pgx's default (4, or the number of CPUs if more).
func OpenSized(ctx context.Context, target, schema string, maxConns int32) (*DB, error) {
	pool, err := connect(ctx, target, schema, false, maxConns)
	if err != nil {
		return nil, err
	}
	current, err := prepare(ctx, pool, schema)
	if err != nil {
		pool.Close()
		return nil, targetError("preparing the database", target, err)
	}
	return &DB{pool: pool, location: Redact(target), schema: current}, nil
}

// OpenReadOnly opens the database for a dry run: it never creates, migrates or writes anything.
// A database that does not exist, or has no tables yet, is an empty one.
func OpenReadOnly(ctx context.Context, target, schema string) (*DB, error) {
	pool, err := connect(ctx, target, schema, true, 0)
	empty := &DB{readOnly: true, location: Redact(target)}
	if isMissingDatabase(err) {
		return empty, nil
	}
	if err != nil {
		return nil, err
	}
	var current *string
	var migrated bool
	err = pool.QueryRow(ctx, `SELECT current_schema(), to_regclass('stores') IS NOT NULL`).Scan(&current, &migrated)
	if err != nil || !migrated || current == nil {
		pool.Close()
		if err != nil {
			return nil, targetError("reading the database", target, err)
		}
		return empty, nil
	}
	return &DB{pool: pool, readOnly: true, location: Redact(target), schema: *current}, nil
}

// durableWrites is how the pool's commits wait for the disk: they do not. The journal needs one
// write to outlive a crash of the server itself, the intent of a createShop, since only the key it
// records can make a replay return the shop instead of a second one; Begin commits that one
// synchronously, which also flushes every commit before it. Any later step that a crash of the
// server took back is settled from the platform as after a killed run: a lost "created" replays the
// same key, a lost "assigned" asks for the shop, a lost "compensating" finds the shop gone, a lost
// "done" saves the store again. A killed importer loses nothing: the server has every commit.
const durableWrites = "off"

// connect makes the pool and makes sure the server answers.
func connect(ctx context.Context, target, schema string, readOnly bool, maxConns int32) (*pgxpool.Pool, error) {
	config, err := pgxpool.ParseConfig(target)
	if err != nil {
		return nil, targetError("reading the database target", target, err)
	}
	if maxConns > 0 && !strings.Contains(target, "pool_max_conns") {
		config.MaxConns = maxConns
	}
	conn := config.ConnConfig
	if conn.ConnectTimeout == 0 {
		conn.ConnectTimeout = connectTimeout
	}
	// The tables are in one schema, named here once for every connection: a search_path left to
	// the server would follow the role ("$user") and whatever schemas exist, and two operators, or
	// one operator after a CREATE SCHEMA, could find two sets of tables and two locks.
	conn.RuntimeParams["search_path"] = pgx.Identifier{tablesSchema(schema, conn)}.Sanitize()
	// The fence's conditional writes rely on READ COMMITTED re-reading the holder row; a
	// database or role set to REPEATABLE READ would make them fail when a refresh races them.
	conn.RuntimeParams["default_transaction_isolation"] = "read committed"
	if !readOnly {
		conn.RuntimeParams["synchronous_commit"] = durableWrites
	}
	if readOnly {
		// Belt and braces: the server itself refuses any write a dry run might attempt.
		conn.RuntimeParams["default_transaction_read_only"] = "on"
	}
	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		return nil, targetError("connecting to the database", target, err, conn.Password)
	}
	return pool, nil
}

// tablesSchema is the schema the tables are in: the one --db-schema names, else the first of a
// search_path the target sets (folded to lower case unless quoted, as PostgreSQL reads it; "$user"
// being the role), else public.
func tablesSchema(named string, conn *pgx.ConnConfig) string {
	if named != "" {
		return named
	}
	first, _, _ := strings.Cut(conn.RuntimeParams["search_path"], ",")
	first = strings.TrimSpace(first)
	switch {
	case first == "":
		return "public"
	case first == "$user" || first == `"$user"`:
		return conn.User
	case len(first) > 1 && strings.HasPrefix(first, `"`) && strings.HasSuffix(first, `"`):
		return strings.ReplaceAll(first[1:len(first)-1], `""`, `"`)
	}
	return strings.ToLower(first)
}

// isMissingDatabase is a connection refused because the database does not exist (3D000).
func isMissingDatabase(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "3D000"
}

// Close releases the database's connections.
func (d *DB) Close() error {
	if d.pool != nil {
		d.pool.Close()
	}
	return nil
}
