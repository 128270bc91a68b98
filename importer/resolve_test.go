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
		TokenFingerprint: h.fingerprint(h.client),
	}, res)
	return err
}

// An attempt in doubt for longer than the platform keeps answers is never replayed; a person who
// found its shop records it, and the row is finished there and then, so that reconcile --fix can
// never take the shop for an orphan.
func TestResolvedShopIsStoredAtOnce(t *testing.T) {
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

	if h.localStores()["old-01"] != found.ID {
		t.Errorf("stores %v: want old-01 linked to %s", h.localStores(), found.ID)
	}
	if f := h.reconcile(true); importer.NeedsPerson(f) || len(f) != 0 {
		t.Errorf("reconcile --fix after the verdict: %+v, want nothing to do", f)
	}
	report := h.run(header + row("old-01", "古い店"))
	if r := report.status("old-01"); r.Status != importer.StatusSkipped || r.ShopID != found.ID {
		t.Errorf("after the verdict: %+v, want skipped with shop %s", r, found.ID)
	}
	if live := h.liveShops(); len(live) != 1 || len(live[0].Services) != 1 {
		t.Errorf("live %+v: want the one shop, with reservations", live)
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

	h.leftBehind("fresh-01", "新しい店", "creating", "stem-fresh", "")
	other, _ := h.client.CreateShop(context.Background(), "elsewhere", testOrg, "別の名前", "東京都渋谷区1-1")

	for name, res := range map[string]importer.Resolution{
		"no such attempt":          {Attempt: "stem-none", None: true},
		"a shop a store links":     {Attempt: "stem-old", ShopID: h.localStores()["done-01"]},
		"a shop that is not there": {Attempt: "stem-old", ShopID: "shop_999999"},
		"a shop of another name":   {Attempt: "stem-old", ShopID: other.ID},
		"none before any replay":   {Attempt: "stem-fresh", None: true},
	} {
		if err := h.resolve(res); err == nil {
			t.Errorf("%s: recorded", name)
		} else if name == "no such attempt" && !errors.Is(err, importer.ErrNoSuchAttempt) {
			t.Errorf("%s: %v, want ErrNoSuchAttempt", name, err)
		}
	}
	if open, _ := h.db.Unsettled(context.Background(), testOrg); len(open) != 2 {
		t.Errorf("journal: %+v, want both attempts still open", open)
	}
}
