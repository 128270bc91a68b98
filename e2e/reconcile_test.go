package e2e

import (
	"encoding/json"
	"testing"

	"github.com/acme/storeimport/internal/e2etest"
	"github.com/acme/storeimport/orgsim"
)

// TestReconcileCleansUpAfterACrash: a run killed right after createShop leaves a shop with no
// store and a journal attempt in doubt; reconcile reports both (the shop as the attempt's, by its
// name and location, unconfirmed), and --fix replays the attempt's
// key to learn which shop it made, then deletes it as the orphan it is.
func TestReconcileCleansUpAfterACrash(t *testing.T) {
	r := newRig(t, 6, orgsim.Faults{}, 9)
	r.killAfter(orgsim.OpCreateShop, 3)
	if _, killed := r.importOnce(); !killed {
		t.Fatal("the import was not killed")
	}

	check := e2etest.Storeimport(t, r.dir, "reconcile", "--org", org, "--endpoint", r.endpoint, "--db", r.db, "--format", "json")
	if check.Code != 3 {
		t.Fatalf("reconcile after a crash: exit %d, want 3\n%s%s", check.Code, check.Stdout, check.Stderr)
	}
	var report struct {
		Consistent bool `json:"consistent"`
		Findings   []struct {
			Kind   string  `json:"kind"`
			ShopID *string `json:"shop_id"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(check.Stdout), &report); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, f := range report.Findings {
		kinds[f.Kind] = ""
		if f.ShopID != nil {
			kinds[f.Kind] = *f.ShopID
		}
	}
	orphan, unconfirmed := kinds["unconfirmed_shop"]
	if _, inDoubt := kinds["in_doubt"]; !inDoubt || !unconfirmed || len(kinds) != 2 || report.Consistent {
		t.Fatalf("findings %+v, want the attempt in doubt and its shop, tied to it by name but not yet proven ours", report.Findings)
	}

	fix := e2etest.Storeimport(t, r.dir, "reconcile", "--org", org, "--endpoint", r.endpoint, "--db", r.db, "--fix")
	if fix.Code != 0 {
		t.Fatalf("reconcile --fix: exit %d, want 0\n%s%s", fix.Code, fix.Stdout, fix.Stderr)
	}
	for _, s := range r.sim.Shops(org, false) {
		if s.ID == orphan {
			t.Errorf("orphan %s still live after --fix", orphan)
		}
	}
	// The next import finishes the job with a fresh attempt: one shop per store, no orphans.
	r.untilSettled(2)
	r.invariants(e2etest.All(r.names))
}
