// Package storetest is the conformance suite every implementation of importer.Database passes:
// what the importer relies on of the stores, the journal and the organizations' locks, checked the
// same way on SQLite and on PostgreSQL. Faults are injected into the real database (a trigger, a
// lock taken over), never mocked.
package storetest

import (
	"database/sql"
	"testing"
	"time"

	"github.com/acme/storeimport/importer"
)

// Target is a fresh, empty, migrated database of one kind, with the means to read it and to inject
// faults into it directly.
type Target struct {
	DB importer.Database
	// Location is what --db takes to open the same database: a file's path or a URL.
	Location string
	// SQL reaches the same database directly; Rebind turns a query's ? placeholders into the
	// dialect's own.
	SQL    *sql.DB
	Rebind func(query string) string
	// Reopen opens the same database again, as another process would.
	Reopen func(t *testing.T) importer.Database
	// StealLock makes another run take the organization's lock over, as after this holder died.
	StealLock func(t *testing.T, organizationID string)
	// FailStoreInsert makes inserting the store with that public_id fail.
	FailStoreInsert func(t *testing.T, publicID string)
	// FailCacheInsert makes inserting any store cache fail.
	FailCacheInsert func(t *testing.T)
}

// Run runs every case of the suite, each on a fresh target.
func Run(t *testing.T, newTarget func(t *testing.T) Target) {
	cases := []struct {
		name string
		run  func(t *testing.T, target Target)
	}{
		{"OrganizationIsSavedAndRefreshed", organizationIsSavedAndRefreshed},
		{"CompleteStoresAndLooksUp", completeStoresAndLooksUp},
		{"CompleteIsOneTransaction", completeIsOneTransaction},
		{"FailedStoreInsertLeavesNoStore", failedStoreInsertLeavesNoStore},
		{"JournalKeepsWhatARecoveryNeeds", journalKeepsWhatARecoveryNeeds},
		{"JournalWritesExpectTheStateTheWriterLeft", journalWritesExpectTheStateTheWriterLeft},
		{"SecondLockIsRefused", secondLockIsRefused},
		{"JournalWritesOfALostLockAreRefused", journalWritesOfALostLockAreRefused},
		{"ReleasedLockIsTakenAgain", releasedLockIsTakenAgain},
		{"FingerprintKeyIsKept", fingerprintKeyIsKept},
		{"ReconcileSeesLinkedStoresAndRefreshesCaches", reconcileSeesLinkedStoresAndRefreshesCaches},
		{"StatusSaysWhatIsHeldAndUnfinished", statusSaysWhatIsHeldAndUnfinished},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, newTarget(t)) })
	}
}

// now is a fixed time stamp; what the journal keeps of it is checked to the microsecond, as
// PostgreSQL's timestamptz keeps no more.
var now = time.Date(2026, 11, 25, 9, 0, 0, 123456000, time.UTC)

// Exec runs a statement with ? placeholders directly on the database.
func (target Target) Exec(t testing.TB, query string, args ...any) {
	t.Helper()
	if _, err := target.SQL.Exec(target.Rebind(query), args...); err != nil {
		t.Fatal(err)
	}
}

// QueryRow runs a query with ? placeholders directly on the database.
func (target Target) QueryRow(query string, args ...any) *sql.Row {
	return target.SQL.QueryRow(target.Rebind(query), args...)
}
