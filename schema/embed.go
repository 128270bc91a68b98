// Package schema holds the contracts the code is generated or migrated from: the platform's GraphQL
// SDL (read by genqlient and gqlgen at generate time) and the local database's SQL migrations
// (embedded, applied by storedb on first write).
package schema

import "embed"

// Migrations are goose migrations, applied in file-name order.
//
//go:embed migrations/*.sql
var Migrations embed.FS
