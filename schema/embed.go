// Package schema holds the contracts the code is generated or migrated from: the platform's GraphQL
// SDL (read by genqlient and gqlgen at generate time) and the local database's SQL migrations
// (embedded, applied by storedb on first write).
package schema

import "embed"

// Migrations are goose migrations, one folder a dialect (migrations/sqlite, migrations/postgres),
// applied in file-name order; both folders describe the same tables, but for the queue of imports
// for workers (import_jobs, rate_buckets), which only PostgreSQL has.
//
//go:embed migrations
var Migrations embed.FS
