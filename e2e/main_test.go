// Package e2e runs the built binaries as an engineer would: the simulator as its own process,
// storeimport against it, and checks what ends up on the platform and in the database. Queued
// imports (import --enqueue, worker) have their own suite, e2e/jobs.
package e2e

import (
	"testing"

	"github.com/acme/storeimport/internal/e2etest"
)

func TestMain(m *testing.M) { e2etest.Main(m) }
