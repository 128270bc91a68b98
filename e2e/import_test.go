package e2e

import (
	"path/filepath"
	"testing"

	"github.com/acme/storeimport/internal/e2etest"
	"github.com/acme/storeimport/storedb/storetest"
)

// TestImportWithBuiltBinaries is the demo as a test: the sample file against the simulator
// process, then a rerun.
func TestImportWithBuiltBinaries(t *testing.T) {
	sim := startSim(t, "--rate", "200", "--burst", "20", "--rule", "createShop:閉店:INVALID_INPUT")
	dir := t.TempDir()
	store := storetest.FromEnv(t)
	db := store.Location
	args := []string{"import", "--org", org, "--endpoint", sim.endpoint, "--rate", "200", "--burst", "20",
		"--db", db, "--format", "json", "../testdata/stores.csv"}
	args[len(args)-1], _ = filepath.Abs(args[len(args)-1])

	first := e2etest.Storeimport(t, dir, args...)
	if first.Code != 1 {
		t.Fatalf("exit %d, want 1 (invalid rows in the sample)\n%s", first.Code, first.Stderr)
	}
	rep := e2etest.ParseReport(t, first)
	if rep.Summary["created"] != 24 || rep.Summary["invalid"] != 5 || rep.Summary["failed"] != 1 {
		t.Errorf("summary %v, want 24 created, 5 invalid, 1 failed", rep.Summary)
	}

	shops := liveShops(t, sim.client(t))
	stores := e2etest.LocalStores(t, store.SQL)
	if len(shops) != 24 || len(stores) != 24 {
		t.Fatalf("%d live shops and %d stores, want 24 each", len(shops), len(stores))
	}
	linked := map[string]bool{}
	for _, shopID := range stores {
		linked[shopID] = true
	}
	for _, shop := range shops {
		if !linked[shop.ID] || !shop.HasService("RESERVATION") {
			t.Errorf("shop %s (%s): linked %v, services %v", shop.ID, shop.Name, linked[shop.ID], shop.Services)
		}
	}

	mutations := 0
	for _, e := range sim.requests(t) {
		if e.OperationType == "mutation" {
			mutations++
			if e.IdempotencyKey == "" {
				t.Errorf("a %s was sent without an Idempotency-Key", e.Operation)
			}
		}
	}
	second := e2etest.Storeimport(t, dir, args...)
	rep = e2etest.ParseReport(t, second)
	if rep.Summary["skipped"] != 24 {
		t.Errorf("rerun summary %v, want 24 skipped", rep.Summary)
	}
	again := 0
	for _, e := range sim.requests(t) {
		if e.OperationType == "mutation" {
			again++
		}
	}
	// Only the row the platform refused is tried again.
	if again != mutations+1 {
		t.Errorf("the rerun sent %d mutations, want 1 (the refused row)", again-mutations)
	}
}
