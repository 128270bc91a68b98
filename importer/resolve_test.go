package importer_test

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"testing"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgsim"
)

func (h *harness) resolve(res importer.Resolution) error {
	h.t.Helper()
	_, err := importer.Resolve(context.Background(), importer.ReconcileJob{
		OrganizationID: testOrg, Platform: h.client, Stores: h.db, Journal: h.db,
		Clock: importer.SystemClock{}, NewKey: rand.Text, Log: slog.New(slog.DiscardHandler),
	}, res)
	return err
}

// An attempt in doubt for longer than the platform keeps answers is never replayed; a person who
// found its shop records it, and the next import finishes the row with that shop.
func TestResolvedShopIsFinishedByTheNextImport(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.saveOrg()
	h.inDoubtSince30Hours("old-01", "古い店", "stem-old")
	found, _ := h.client.CreateShop(context.Background(), "stem-old-create", testOrg, "古い店", "東京都渋谷区1-1")
	if r := h.run(header + row("old-01", "古い店")); r.status("old-01").Status != importer.StatusNeedsAttention {
		t.Fatalf("before the verdict: %+v, want needs_attention", r.status("old-01"))
	}

	if err := h.resolve(importer.Resolution{Attempt: "stem-old", ShopID: found.ID}); err != nil {
		t.Fatal(err)
	}

	report := h.run(header + row("old-01", "古い店"))
	if r := report.status("old-01"); r.Status != importer.StatusSkipped || r.ShopID != found.ID {
		t.Errorf("after the verdict: %+v, want skipped with shop %s", r, found.ID)
	}
	if h.localStores()["old-01"] != found.ID || len(h.liveShops()) != 1 {
		t.Errorf("stores %v, live %+v: want old-01 linked to the one shop", h.localStores(), h.liveShops())
	}
}

func TestResolvedAsNoShopIsMadeAfresh(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.saveOrg()
	h.inDoubtSince30Hours("old-01", "古い店", "stem-old")

	if err := h.resolve(importer.Resolution{Attempt: "old-01", None: true}); err != nil {
		t.Fatal(err)
	}

	if r := h.run(header + row("old-01", "古い店")); r.status("old-01").Status != importer.StatusCreated {
		t.Errorf("after the verdict: %+v, want created afresh", r.status("old-01"))
	}
}

func TestResolveRefusesWhatItCannotTrust(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.saveOrg()
	h.run(header + row("done-01", "済んだ店"))
	h.inDoubtSince30Hours("old-01", "古い店", "stem-old")

	for name, res := range map[string]importer.Resolution{
		"no such attempt":          {Attempt: "stem-none", None: true},
		"a shop a store links":     {Attempt: "stem-old", ShopID: h.localStores()["done-01"]},
		"a shop that is not there": {Attempt: "stem-old", ShopID: "shop_999999"},
	} {
		if err := h.resolve(res); err == nil {
			t.Errorf("%s: recorded", name)
		} else if name == "no such attempt" && !errors.Is(err, importer.ErrNoSuchAttempt) {
			t.Errorf("%s: %v, want ErrNoSuchAttempt", name, err)
		}
	}
	if open, _ := h.db.Unsettled(context.Background(), testOrg); len(open) != 1 || open[0].State != "needs_attention" {
		t.Errorf("journal: %+v, want the attempt still open", open)
	}
}
