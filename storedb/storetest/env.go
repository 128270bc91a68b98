package storetest

import (
	"os"
	"testing"
)

// FromEnv is a target of the kind STOREIMPORT_TEST_STORE names: sqlite (the default) or postgres.
// make test runs the packages whose tests take their database from here once with each.
func FromEnv(t *testing.T) Target {
	t.Helper()
	switch kind := os.Getenv("STOREIMPORT_TEST_STORE"); kind {
	case "", "sqlite":
		return SQLite(t)
	case "postgres":
		return Postgres(t)
	default:
		t.Fatalf("STOREIMPORT_TEST_STORE=%q: the tests know sqlite and postgres", kind)
		return Target{}
	}
}
