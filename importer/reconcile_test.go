package importer_test

import (
	"context"
	"crypto/rand"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgsim"
)

func (h *harness) reconcile(fix bool) []importer.Finding {
	h.t.Helper()
	findings, err := importer.Reconcile(context.Background(), importer.ReconcileJob{
		OrganizationID: testOrg, Fix: fix, Platform: h.client, Stores: h.db, Journal: h.db,
		Clock: importer.SystemClock{}, NewKey: rand.Text, Log: slog.New(slog.DiscardHandler),
		TokenFingerprint: h.fingerprint(h.client),
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return findings
}

func byKind(findings []importer.Finding) map[importer.FindingKind][]importer.Finding {
	kinds := map[importer.FindingKind][]importer.Finding{}
	for _, f := range findings {
		kinds[f.Kind] = append(kinds[f.Kind], f)
	}
	return kinds
}

func TestReconcileFindsAndFixesOnlyWhatIsOurs(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	ctx := context.Background()
	h.run(header + row("kept-01", "残る店") + row("gone-01", "消える店") + row("stale-01", "古い店"))
	stores := h.localStores()

	// An orphan the journal proves ours: a run died after createShop was recorded.
	orphan, _ := h.client.CreateShop(ctx, "orph-create", testOrg, "孤児店", "東京都")
	h.leftBehind("orphan-01", "孤児店", "created", "orph", orphan.ID)
	// A shop made elsewhere, with reservations off: reported, never touched.
	unknown, _ := h.client.CreateShop(ctx, "elsewhere", testOrg, "他部署の店", "大阪府")
	// A store whose shop someone deleted on the platform.
	h.client.DeleteShop(ctx, "someone", stores["gone-01"])
	// A store linked to a shop without the reservation service.
	bare, _ := h.client.CreateShop(ctx, "bare-create", testOrg, "予約なし店", "東京都")
	h.leftBehind("bare-01", "予約なし店", "assigned", "bare", bare.ID)
	entries, _ := h.db.Unsettled(ctx, testOrg)
	for i := range entries {
		if entries[i].Store.PublicID == "bare-01" {
			if err := h.db.Complete(ctx, &entries[i], bare, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A cache that no longer says what the platform says.
	h.store.Exec(t, `UPDATE store_caches SET name = '旧名' WHERE platform_shop_id = ?`, stores["stale-01"])
	mutationsBefore := h.mutations()

	found := byKind(h.reconcile(false))
	want := map[importer.FindingKind]string{
		importer.OrphanShop: orphan.ID, importer.UnknownShop: unknown.ID, importer.MissingShop: stores["gone-01"],
		importer.MissingService: bare.ID, importer.StaleCache: stores["stale-01"],
	}
	for kind, shopID := range want {
		if len(found[kind]) == 0 || found[kind][0].ShopID != shopID {
			t.Errorf("%s: %+v, want shop %s", kind, found[kind], shopID)
		}
	}
	if found[importer.UnknownShop][0].NeedsPerson {
		t.Error("an unknown shop without reservations is not the reservation service's problem")
	}
	if after := h.mutations(); len(after) != len(mutationsBefore) || after[orgsim.OpDeleteShop] != mutationsBefore[orgsim.OpDeleteShop] {
		t.Errorf("reconcile without --fix sent mutations: %v then %v", mutationsBefore, after)
	}

	fixed := byKind(h.reconcile(true))
	for _, kind := range []importer.FindingKind{importer.OrphanShop, importer.MissingService, importer.StaleCache} {
		if len(fixed[kind]) == 0 {
			t.Errorf("--fix found no %s", kind)
		}
		for _, f := range fixed[kind] {
			if f.Action == "" || f.NeedsPerson {
				t.Errorf("--fix on %s: %+v", kind, f)
			}
		}
	}
	if f := fixed[importer.MissingShop]; len(f) != 1 || !f[0].NeedsPerson || f[0].Action != "" {
		t.Errorf("a store whose shop is gone is for a person: %+v", f)
	}
	live := map[string]bool{}
	for _, s := range h.liveShops() {
		live[s.ID] = len(s.Services) > 0
	}
	if _, alive := live[orphan.ID]; alive {
		t.Error("the orphan shop is still live after --fix")
	}
	if _, alive := live[unknown.ID]; !alive {
		t.Error("--fix touched a shop this tool did not make")
	}
	if !live[bare.ID] {
		t.Error("--fix did not turn reservations on")
	}
	if open, _ := h.db.Unsettled(ctx, testOrg); len(open) != 0 {
		t.Errorf("the orphan's journal attempt is still open: %+v", open)
	}

	again := byKind(h.reconcile(true))
	if len(again) != 2 || len(again[importer.MissingShop]) != 1 || len(again[importer.UnknownShop]) != 1 {
		t.Errorf("after fixing, only the missing shop and the unknown one remain; got %+v", again)
	}
}

func TestReconcileFixKeepsAReplayRefusedWith429InDoubt(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.saveOrg()
	h.madeThenKilled("limited-01", "LIMITED店", "stem-limited")
	h.sim.SetFaults(orgsim.Faults{Rules: []orgsim.Rule{{Op: orgsim.OpCreateShop, Pattern: "^LIMITED", Action: orgsim.Action429}}})

	found := byKind(h.reconcile(true))

	if f := found[importer.InDoubt]; len(f) != 1 || !f[0].NeedsPerson {
		t.Errorf("in doubt: %+v, want one finding that still needs a person", f)
	}
	if n := h.mutations()[orgsim.OpCreateShop]; n < 2 {
		t.Errorf("%d createShop in all, want the first run's and reconcile's replay", n)
	}
	if open, _ := h.db.Unsettled(context.Background(), testOrg); len(open) != 1 {
		t.Errorf("journal: %+v, want the attempt still open", open)
	}
}

// A shop an attempt of this tool made without recording it is not "not made by this tool", and
// reconcile --fix with another token neither replays the attempt nor touches the shop.
func TestReconcileNamesAShopItsAttemptMadeWithAnotherToken(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.saveOrg()
	shopID := h.madeThenKilled("rotated-01", "回転店", "stem-rotated")
	other := h.anotherClient("rotated-token")
	job := importer.ReconcileJob{
		OrganizationID: testOrg, Fix: true, Platform: other, Stores: h.db, Journal: h.db, Clock: importer.SystemClock{},
		NewKey: rand.Text, Log: slog.New(slog.DiscardHandler), TokenFingerprint: h.fingerprint(other),
	}
	findings, err := importer.Reconcile(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}

	found := byKind(findings)
	if f := found[importer.UnconfirmedShop]; len(f) != 1 || f[0].ShopID != shopID || f[0].PublicID != "rotated-01" || !f[0].NeedsPerson {
		t.Errorf("unconfirmed: %+v, want shop %s tied to rotated-01, for a person", f, shopID)
	}
	if f := found[importer.UnknownShop]; len(f) != 0 {
		t.Errorf("unknown: %+v, want none: the journal knows the attempt", f)
	}
	if f := found[importer.InDoubt]; len(f) != 1 || !strings.Contains(f[0].Action, h.fingerprint(h.client)) {
		t.Errorf("in doubt: %+v, want it not replayed, naming the token that sent it", f)
	}
	if n := h.mutations()[orgsim.OpCreateShop]; n != 1 {
		t.Errorf("%d createShop sent, want only the first run's", n)
	}
	if live := h.liveShops(); len(live) != 1 {
		t.Errorf("%d live shops, want the one", len(live))
	}
}

// A shop like one a refused attempt asked for was made by someone else (by hand, say): reconcile
// says so, but leaves it unknown, as the journal proves the attempt made nothing.
func TestReconcileLeavesAShopLikeARefusedAttemptUnknown(t *testing.T) {
	h := newHarness(t, orgsim.Config{Faults: orgsim.Faults{Rules: []orgsim.Rule{
		{Op: orgsim.OpCreateShop, Pattern: "^LIMIT", Action: orgsim.CodeShopLimitExceeded},
	}}}, 1000, 10)
	if r := h.run(header + row("limit-01", "LIMIT店")); r.status("limit-01").Status != importer.StatusFailed {
		t.Fatalf("row: %+v, want failed", r.status("limit-01"))
	}
	h.sim.SetFaults(orgsim.Faults{})
	byHand, _ := h.client.CreateShop(context.Background(), "by-hand", testOrg, "LIMIT店", "東京都渋谷区1-1")

	found := byKind(h.reconcile(false))

	if f := found[importer.UnknownShop]; len(f) != 1 || f[0].ShopID != byHand.ID || f[0].PublicID != "limit-01" || f[0].NeedsPerson {
		t.Errorf("unknown: %+v, want the shop made by hand, noting limit-01's attempt, needing no one", f)
	}
	if f := found[importer.UnconfirmedShop]; len(f) != 0 {
		t.Errorf("unconfirmed: %+v, want none: the refused attempt made nothing", f)
	}
}
