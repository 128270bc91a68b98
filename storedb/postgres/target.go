package postgres

import (
	"regexp"
	"strings"
)

// connectionKeywords are the libpq keywords a keyword/value target may start with. A --db value
// that starts with one of them and "=" names a PostgreSQL database rather than an SQLite file.
var connectionKeywords = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true, "password": true,
	"passfile": true, "service": true, "sslmode": true, "sslpassword": true, "sslrootcert": true,
	"sslcert": true, "sslkey": true, "connect_timeout": true, "application_name": true,
	"target_session_attrs": true, "options": true, "search_path": true,
}

var firstKeyword = regexp.MustCompile(`^\s*([a-z_]+)\s*=`)

// IsTarget reports whether target names a PostgreSQL database: a postgres:// or postgresql://
// URL, or a libpq keyword/value string such as "host=/var/run/postgresql dbname=x".
func IsTarget(target string) bool {
	if isURL(target) {
		return true
	}
	m := firstKeyword.FindStringSubmatch(target)
	return m != nil && connectionKeywords[m[1]]
}

func isURL(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}
