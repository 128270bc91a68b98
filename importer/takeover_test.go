package importer_test

import (
	"context"
	"net/http"
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
	if _, err := h.db.SQL().Exec(`UPDATE organization_locks SET holder = 'successor', pid = 1, host = 'another-host'`); err != nil {
		h.t.Fatal(err)
	}
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
	lock, err := h.db.Lock(context.Background(), testOrg, "storeimport import")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	job, report := h.job(header+row("paused-01", "一時停止店")+row("later-01", "後の店"), false)
	fenced := lock.DB()
	job.Stores, job.Journal, job.Lookup, job.Lease = fenced, fenced, fenced, lock
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
	h.db.SQL().QueryRow(`SELECT state FROM import_rows WHERE public_id = 'paused-01'`).Scan(&state)
	if state != "done" {
		t.Errorf("journal says %s, want the successor's done", state)
	}
}
