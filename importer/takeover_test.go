package importer_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgsim"
)

// takeOverAfterCreate plays a second run that takes the organization's lock while this one waits
// for createShop's answer (this one was paused, say), and settles the row itself: replays the key,
// gets the shop, and stores it. The first run then gets its answer, late.
func (h *harness) takeOverAfterCreate(publicID string) {
	var taken atomic.Bool // the successor's own requests come through here too
	next := h.sim.Handler()
	h.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		if shops := h.liveShops(); len(shops) == 1 && taken.CompareAndSwap(false, true) {
			h.settleAsSuccessor(publicID, shops[0].ID)
		}
	}), 1000, 10)
}

func (h *harness) settleAsSuccessor(publicID, shopID string) {
	ctx := context.Background()
	h.store.StealLock(h.t, testOrg)
	open, err := h.db.Unsettled(ctx, testOrg)
	if err != nil || len(open) != 1 || open[0].Store.PublicID != publicID {
		h.t.Fatalf("the successor found %+v (err %v), want the attempt at %s", open, err, publicID)
	}
	shop, err := h.client.AssignReservation(ctx, "successor-assign", testOrg, shopID)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := h.db.Complete(ctx, &open[0], shop, time.Now()); err != nil {
		h.t.Fatal(err)
	}
}

// A run that lost its lock while a row was at the platform sends nothing more and leaves the row
// to its successor: it neither overwrites the journal nor deletes the shop a store now links.
func TestRunTakenOverMidRowLeavesTheRowToItsSuccessor(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.takeOverAfterCreate("paused-01")
	job, report := h.fencedJob(header + row("paused-01", "一時停止店") + row("later-01", "後の店"))
	h.runJob(job, report)

	stores := h.localStores()
	live := h.liveShops()
	if len(live) != 1 || stores["paused-01"] != live[0].ID {
		t.Fatalf("live shops %+v, stores %v: want the one shop, linked to paused-01", live, stores)
	}
	if n := h.mutations()[orgsim.OpDeleteShop]; n != 0 {
		t.Errorf("%d deleteShop sent by a run that had lost its lock", n)
	}
	if r := report.status("paused-01"); r.Status != importer.StatusNeedsAttention {
		t.Errorf("row: %+v, want needs_attention: the successor settles it", r)
	}
	if r := report.status("later-01"); r.Status != importer.StatusNotAttempted {
		t.Errorf("next row: %+v, want not_attempted: a run taken over stops", r)
	}
	if n := h.mutations()[orgsim.OpCreateShop]; n != 1 {
		t.Errorf("%d createShop sent, want only the first row's", n)
	}
	var state string
	h.store.QueryRow(`SELECT state FROM import_rows WHERE public_id = 'paused-01'`).Scan(&state)
	if state != "done" {
		t.Errorf("journal says %s, want the successor's done", state)
	}
}

// stealLockAtFirstRequest plays a run on another host that takes the lock over as soon as this
// one starts talking to the platform.
func (h *harness) stealLockAtFirstRequest() {
	var stolen atomic.Bool
	next := h.sim.Handler()
	h.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if stolen.CompareAndSwap(false, true) {
			h.store.StealLock(h.t, testOrg)
		}
		next.ServeHTTP(w, r)
	}), 1000, 10)
}

// fencedJob is an import job holding the organization's lock, as the command line runs it.
func (h *harness) fencedJob(csv string) (importer.Job, *collected) {
	h.t.Helper()
	lock, err := h.db.Lock(context.Background(), testOrg, "storeimport import")
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { lock.Release() })
	job, report := h.job(csv, false)
	fenced := lock.Fenced()
	job.Stores, job.Journal, job.Lookup, job.Lease = fenced, fenced, fenced, lock
	return job, report
}

// A pending compensation is a mutation with no journal write before it: only the check of the
// lock right before it keeps a run that was taken over from sending it.
func TestRunTakenOverDoesNotRetryACompensation(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.saveOrg()
	shop, _ := h.client.CreateShop(context.Background(), "stem-comp-create", testOrg, "補償店", "東京都渋谷区1-1")
	h.leftBehind("comp-01", "補償店", "compensating", "stem-comp", shop.ID)
	h.stealLockAtFirstRequest()

	job, report := h.fencedJob(header + row("comp-01", "補償店"))
	h.runJob(job, report)

	if n := h.mutations()[orgsim.OpDeleteShop]; n != 0 {
		t.Errorf("%d deleteShop sent by a run that had lost its lock", n)
	}
	if r := report.status("comp-01"); r.Status != importer.StatusNeedsAttention && r.Status != importer.StatusNotAttempted {
		t.Errorf("row: %+v, want it left to the run that took over", r)
	}
}

// A compensation never deletes a shop a store links: another store's is left alone, and the row's
// own store having it means the import did complete.
func TestCompensationNeverDeletesALinkedShop(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.run(header + row("kept-01", "残る店"))
	linked := h.localStores()["kept-01"]
	h.leftBehind("other-01", "別の店", "compensating", "stem-other", linked)
	h.leftBehind("kept-01", "残る店", "compensating", "stem-kept", linked)

	report := h.run(header + row("other-01", "別の店") + row("kept-01", "残る店"))

	if n := h.mutations()[orgsim.OpDeleteShop]; n != 0 {
		t.Errorf("%d deleteShop sent for a shop a store links", n)
	}
	if r := report.status("other-01"); r.Status != importer.StatusNeedsAttention || !strings.Contains(r.Error, "kept-01") {
		t.Errorf("other-01: %+v, want needs_attention naming the store that links the shop", r)
	}
	if r := report.status("kept-01"); r.Status != importer.StatusSkipped {
		t.Errorf("kept-01: %+v, want skipped: its own store has the shop", r)
	}
	if open, _ := h.db.Unsettled(context.Background(), testOrg); len(open) != 1 || open[0].Store.PublicID != "other-01" {
		t.Errorf("journal: %+v, want only other-01 still open", open)
	}
}
