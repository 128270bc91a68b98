// Package jobs_test runs queued imports (import --enqueue, storeimport worker, jobs, and the
// support page's jobs) with the built binaries against one PostgreSQL database, the queue's only
// kind. It is apart from e2e so that make test's second pass over e2e, for the tests whose
// database the environment chooses, does not run it again.
package jobs_test

import (
	"testing"

	"github.com/acme/storeimport/internal/e2etest"
)

func TestMain(m *testing.M) { e2etest.Main(m) }
