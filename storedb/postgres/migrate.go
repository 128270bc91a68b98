package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/acme/storeimport/schema"
)

// migrationKey is the advisory lock that runs one process's migrations at a time on a database.
var migrationKey = advisoryKey("migrations")

// prepare creates the schema if one is named and missing, applies pending migrations, and returns
// the schema the tables are in. It holds migrationKey throughout, waiting for another process that
// does the same: two first runs at once would otherwise race to create the schema (CREATE SCHEMA
// IF NOT EXISTS can still fail on a concurrent one) and goose's version table.
//
// The lock is held on a connection of its own, outside the pool that goose migrates through, so
// that a pool of one connection (pool_max_conns=1) does not wait for itself.
func prepare(ctx context.Context, pool *pgxpool.Pool, schemaName string) (string, error) {
	conn, err := pgx.ConnectConfig(ctx, pool.Config().ConnConfig.Copy())
	if err != nil {
		return "", err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationKey); err != nil {
		return "", fmt.Errorf("waiting for another process's migrations: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationKey)
	if schemaName != "" {
		if err := createSchema(ctx, conn, schemaName); err != nil {
			return "", err
		}
	}
	var current *string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&current); err != nil {
		return "", err
	}
	if current == nil {
		var path string
		conn.QueryRow(ctx, `SHOW search_path`).Scan(&path)
		return "", fmt.Errorf("schema %s, which the target's search_path names, does not exist: create it, or name it with --db-schema (STOREIMPORT_DB_SCHEMA), which creates it", path)
	}
	err = migrate(ctx, pool)
	if err == nil {
		err = migrateQueue(ctx, pool, *current)
	}
	if err != nil {
		role, schemaID := pgx.Identifier{conn.Config().User}.Sanitize(), pgx.Identifier{*current}.Sanitize()
		return "", fmt.Errorf("migrating schema %s: %w%s", *current, err, ifRefused(err,
			"grant the role CREATE on the schema (GRANT CREATE ON SCHEMA %s TO %s: since PostgreSQL 15 schema public "+
				"grants it to no one), or give it a schema of its own with --db-schema", schemaID, role))
	}
	return *current, nil
}

// createSchema creates the schema only when it is missing: CREATE SCHEMA IF NOT EXISTS needs the
// CREATE privilege on the database even when the schema exists, and a role an administrator gave
// a schema of its own need not have it.
func createSchema(ctx context.Context, conn *pgx.Conn, name string) error {
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("creating schema %s: %w%s", name, err, ifRefused(err,
			"grant the role CREATE on the database, or create the schema for it (CREATE SCHEMA %s AUTHORIZATION %s)",
			pgx.Identifier{name}.Sanitize(), pgx.Identifier{conn.Config().User}.Sanitize()))
	}
	return nil
}

// migrate applies the pending migrations through database/sql, which goose needs, on the pool's
// own connections, so that they carry its search_path.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	provider, db, err := migrations(pool)
	if err != nil {
		return err
	}
	_, err = provider.Up(ctx)
	return errors.Join(err, db.Close())
}

// migrations is goose's provider of the PostgreSQL migrations on pool, with the database/sql
// handle it goes through, which the caller closes.
func migrations(pool *pgxpool.Pool) (*goose.Provider, *sql.DB, error) {
	folder, err := fs.Sub(schema.Migrations, "migrations/postgres")
	if err != nil {
		return nil, nil, err
	}
	db := stdlib.OpenDBFromPool(pool)
	provider, err := goose.NewProvider(goose.DialectPostgres, db, folder)
	if err != nil {
		return nil, nil, errors.Join(err, db.Close())
	}
	return provider, db, nil
}

// ifRefused adds what to do to an error when the server refused the role a privilege (42501).
func ifRefused(err error, what string, args ...any) string {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
		return ""
	}
	return "; " + fmt.Sprintf(what, args...)
}
