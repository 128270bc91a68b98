package postgres

import (
	"context"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// migrateQueue applies River's migrations in the stores' schema: imports queued for workers
// (package jobs) live in the same database as the stores and journal they write, so that a job,
// its file and its rows are one database to back up, grant and reach.
func migrateQueue(ctx context.Context, pool *pgxpool.Pool, schemaName string) error {
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{
		Schema: schemaName,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return err
	}
	_, err = migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

// Pool is the database's connections, for the job queue that shares them; nil when a read-only
// open found no tables.
func (d *DB) Pool() *pgxpool.Pool { return d.pool }

// Schema is the schema the tables are in, River's too.
func (d *DB) Schema() string { return d.schema }
