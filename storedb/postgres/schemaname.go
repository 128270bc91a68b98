package postgres

import (
	"fmt"
	"regexp"
)

// The job queue (River, migrated with the stores' tables on every open) names its SQL and its
// notification channels after the schema, and takes only names of this form: any other would
// break every command on the database, not only the queue's.
var schemaName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// maxSchemaName is River's bound: its longest notification channel, "<schema>.river_leadership",
// must fit PostgreSQL's 63 characters.
const maxSchemaName = 63 - len(".river_leadership")

// CheckSchemaName refuses a schema name the tables cannot be kept in, before anything is opened.
func CheckSchemaName(name string) error {
	if len(name) > maxSchemaName || !schemaName.MatchString(name) {
		return fmt.Errorf("schema name %q cannot be used: it must start with a letter or an underscore, hold only letters, "+
			"digits and underscores, and be at most %d characters long (the job queue names its tables and channels after it); "+
			"choose another, such as storeimport", name, maxSchemaName)
	}
	return nil
}
