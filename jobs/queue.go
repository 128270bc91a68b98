// Package jobs runs imports as durable jobs on River (github.com/riverqueue/river), in the stores'
// own PostgreSQL database: `import --enqueue` validates a file and queues it with its bytes,
// workers on any number of hosts run the queued imports through the very import `import` runs
// (the command line hands them its way of running one), and support lists jobs, reads their
// progress, their report and errors file, and cancels them. The run lock, the journal and
// recovery stay what they are: River only decides which worker runs which import, and when.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/acme/storeimport/storedb"
	"github.com/acme/storeimport/storedb/postgres"
)

// ErrNeedsPostgres refuses an SQLite database: a queue is for workers on other hosts, which only
// a database on a server can be shared with.
var ErrNeedsPostgres = errors.New("imports are queued in the service's PostgreSQL database, which every worker shares; " +
	"an SQLite file is one machine's: point --db (or STOREIMPORT_DB) at PostgreSQL, or run the import itself with storeimport import")

// CheckTarget refuses a --db that is not PostgreSQL, before anything is opened.
func CheckTarget(target string) error {
	if storedb.IsFile(target) {
		return ErrNeedsPostgres
	}
	return nil
}

// Queue is the import jobs of one database: enqueue, list, report, cancel, and work them.
type Queue struct {
	db    *postgres.DB
	river *river.Client[pgx.Tx] // inserts, lists and cancels; works nothing. nil when opened read-only on a database with no tables
}

// Open opens the queue in the PostgreSQL database target names (schema as --db-schema), creating
// and migrating the tables, River's among them, as the stores' first write does.
func Open(ctx context.Context, target, schema string) (*Queue, error) {
	return open(ctx, target, schema, postgres.Open)
}

// OpenReadOnly opens the queue to list jobs and read their results, as the support page does: it
// never creates, migrates or writes anything. A database with no tables yet has no jobs.
func OpenReadOnly(ctx context.Context, target, schema string) (*Queue, error) {
	return open(ctx, target, schema, postgres.OpenReadOnly)
}

// ErrNoQueue is a database with no import jobs in it yet: no schema or tables where --db and
// --db-schema point, which a command that only changes jobs does not create.
var ErrNoQueue = errors.New("no import job queue in this database (no import was ever queued there)")

// OpenExisting opens the queue to change its jobs, as Open does, only where it exists: a mistyped
// --db-schema or --db gets ErrNoQueue instead of a new schema and its tables.
func OpenExisting(ctx context.Context, target, schema string) (*Queue, error) {
	probe, err := OpenReadOnly(ctx, target, schema)
	if err != nil {
		return nil, err
	}
	exists := probe.river != nil
	probe.Close()
	if !exists {
		return nil, ErrNoQueue
	}
	return Open(ctx, target, schema)
}

// WorkerConns is the most connections the queue of a worker running jobsAtOnce imports at once
// holds: River's own (its notifier's LISTEN, its fetches and completions, the leader's
// maintenance), and for each import its heartbeat, its progress and its turns of the shared rate
// limit (one at a time: the bucket's row lock serializes them anyway). Each import also opens a
// pool of its own for the stores and journal, as storeimport import does, plus one connection
// for the organization's lock; and the worker holds one more for its claim on the shared rate
// limit's settings.
func WorkerConns(jobsAtOnce int) int32 {
	const river, perImport = 4, 3
	return int32(river + perImport*jobsAtOnce)
}

// OpenForWorker opens the queue as Open does, for a worker running jobsAtOnce imports at once: its
// pool is sized for them (WorkerConns), unless the target sets pool_max_conns.
func OpenForWorker(ctx context.Context, target, schema string, jobsAtOnce int) (*Queue, error) {
	return open(ctx, target, schema, func(ctx context.Context, target, schema string) (*postgres.DB, error) {
		return postgres.OpenSized(ctx, target, schema, WorkerConns(jobsAtOnce))
	})
}

func open(ctx context.Context, target, schema string, openDB func(context.Context, string, string) (*postgres.DB, error)) (*Queue, error) {
	if err := CheckTarget(target); err != nil {
		return nil, err
	}
	db, err := openDB(ctx, target, schema)
	if err != nil {
		return nil, err
	}
	if db.Pool() == nil {
		return &Queue{db: db}, nil
	}
	client, err := river.NewClient(riverpgxv5.New(db.Pool()), &river.Config{Schema: db.Schema(), Logger: quiet(nil)})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("opening the job queue: %w", err)
	}
	return &Queue{db: db, river: client}, nil
}

// DB is the database the queue is in, stores and journal included.
func (q *Queue) DB() *postgres.DB { return q.db }

// Close releases the queue's connections.
func (q *Queue) Close() error { return q.db.Close() }

// quiet is River's own log: its errors only, on log's handler (none without one). A long import
// runs past its River timeout by design (see heartbeat.go), which River would warn of as stuck.
func quiet(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(errorsOnly{log.Handler()})
}

type errorsOnly struct{ slog.Handler }

func (h errorsOnly) Enabled(_ context.Context, level slog.Level) bool {
	return level >= slog.LevelError
}
